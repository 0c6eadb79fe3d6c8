namespace Shiming.Verifications;

/// <summary>
/// The Baidu API a kind of job calls, as the drain sees it: a call made ready before its start time, what Baidu's
/// answer means in Shiming's terms, and which of Baidu's error codes are the input's fault. Everything else (QPS,
/// quota, token and transient errors) is the same for every API and is the drain's.
/// </summary>
public interface IJobApi
{
    /// <summary>What the API does, for the reasons a waiting client is told (<c>ID-card recognition</c>).</summary>
    string Description { get; }

    /// <summary>Builds the request (form, token) so that sending is all that is left at the start time.</summary>
    Task<IPreparedJobCall> PrepareAsync(VerificationJob job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken);

    /// <summary>The job's error when Baidu refused the input with <paramref name="errorCode"/>; null when the code is not about the input.</summary>
    VerificationError? InputError(int errorCode);

    /// <summary>The error of a job whose image is gone before its call.</summary>
    VerificationError ImageMissing { get; }

    /// <summary>The error of a job Baidu did not answer after every attempt.</summary>
    VerificationError ProviderUnavailable { get; }
}

/// <summary>One call, ready to send once. Sending throws <see cref="Shiming.Baidu.BaiduApiException"/> for an <c>error_code</c>.</summary>
public interface IPreparedJobCall : IDisposable
{
    Task<RecognitionOutcome> SendAsync(CancellationToken cancellationToken);
}
