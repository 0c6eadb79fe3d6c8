using Shiming.Baidu;

namespace Shiming.Jobs;

/// <summary>
/// A kind's Baidu API, as the drain sees it: a call made ready before its start time, and the kind's errors for what
/// can go wrong. Everything else (QPS, quota, token and transient errors, retries) is the same for every API and is
/// the engine's.
/// </summary>
public interface IJobApi
{
    /// <summary>Builds the request (form, token) so that sending is all that is left at the start time.</summary>
    Task<IPreparedJobCall> PrepareAsync(Job job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken);

    /// <summary>The kind's errors, in its own words.</summary>
    JobErrors Errors { get; }

    /// <summary>
    /// What Baidu's error class means for the kind when it is an answer rather than a failure (the authority not
    /// confirming an identity); null for the engine to handle it as every kind does.
    /// </summary>
    RecognitionOutcome? Answer(Job job, BaiduErrorClass errorClass) => null;

    /// <summary>How a job ends when Baidu did not answer after every attempt.</summary>
    RecognitionOutcome Unanswered(Job job) => new RecognitionOutcome.Rejected(Errors.ProviderUnavailable);

    /// <summary>The job a completed job of this kind starts (<see cref="FollowUps"/>), from its recorded output; null for none.</summary>
    JobFollowUp? FollowUpOf(Job completed) => null;

    /// <summary>The kind's own result of a finished job, for telemetry (<c>matched</c>, …); null for kinds without one.</summary>
    string? ResultOf(Job finished) => null;

    /// <summary>What a finished job of this kind adds to the output of the job it follows, under <see cref="JobKind.AttachAs"/>.</summary>
    object? Attachment(Job finished) => finished.Output;
}

/// <summary>One call, ready to send once. Sending throws <see cref="Shiming.Baidu.BaiduApiException"/> for an <c>error_code</c>.</summary>
public interface IPreparedJobCall : IDisposable
{
    Task<RecognitionOutcome> SendAsync(CancellationToken cancellationToken);
}

/// <summary>A finished call: either the contract's <c>output</c>, or an error of the kind's own.</summary>
public abstract record RecognitionOutcome
{
    public sealed record Recognized(object Output) : RecognitionOutcome;

    public sealed record Rejected(JobError Error) : RecognitionOutcome;
}

/// <summary>
/// The errors a job of a kind can end with, each in the kind's words: the engine picks one by what happened (the
/// image gone, Baidu's class of error, no answer after every attempt).
/// </summary>
/// <param name="ImageUnreadable">Baidu could not read the image (<see cref="Shiming.Baidu.BaiduErrorClass.ImageRejected"/>).</param>
/// <param name="ProviderRejected">Baidu refused the request (<see cref="Shiming.Baidu.BaiduErrorClass.RequestRejected"/>).</param>
/// <param name="WrongDocument">The image is not what the API reads; <paramref name="ImageUnreadable"/> when the kind has no such error.</param>
public sealed record JobErrors(JobError ImageMissing, JobError ImageUnreadable, JobError ProviderRejected, JobError ProviderUnavailable, JobError? WrongDocument = null)
{
    /// <summary>
    /// The errors in one set of words: <paramref name="job"/> names the job (<c>verification</c>), <paramref name="resend"/>
    /// says what to send again (<c>Submit the card again</c>), <paramref name="service"/> names Baidu's service to the
    /// person (<c>recognition</c>), <paramref name="readableImage"/> says what image Baidu reads.
    /// </summary>
    public static JobErrors Phrased(string job, string resend, string service, string readableImage, JobError? wrongDocument = null) => new(
        new("image_missing", $"The image of this {job} is no longer stored. {resend}."),
        new("image_unreadable", $"The image could not be read. Send {readableImage}."),
        new("provider_rejected", $"The {service} service refused this request. {resend}; if it keeps failing, contact support."),
        new("provider_unavailable", $"The {service} service did not answer after several attempts. {resend} later."),
        wrongDocument);
}

/// <summary>A kind's call to Baidu, ready to send once: Baidu's answer of type <typeparamref name="TResponse"/>, turned into the kind's outcome by <paramref name="map"/>.</summary>
public sealed class BaiduJobCall<TResponse>(PreparedBaiduCall call, BaiduClient baidu, Func<TResponse, RecognitionOutcome> map) : IPreparedJobCall
    where TResponse : BaiduAnswer
{
    public async Task<RecognitionOutcome> SendAsync(CancellationToken cancellationToken) =>
        map(await baidu.SendAsync<TResponse>(call, cancellationToken));

    public void Dispose() => call.Dispose();
}
