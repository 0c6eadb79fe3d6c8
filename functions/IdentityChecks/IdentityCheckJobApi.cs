using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Jobs;

namespace Shiming.IdentityChecks;

/// <summary>
/// Baidu's identity check for identity jobs. The authority's "not confirmed" and "no answer" come back as Baidu error
/// classes and are answers here (<c>mismatched</c>, <c>unavailable</c>), as is a check Baidu did not answer after every
/// attempt; only input Baidu refuses fails the job.
/// </summary>
public sealed class IdentityCheckJobApi(BaiduClient baidu, TimeProvider time) : IJobApi
{
    public JobErrors Errors { get; } = JobErrors.Phrased(
        "identity check", "Submit the details again", "identity check", "the name and number as printed on the card");

    public async Task<IPreparedJobCall> PrepareAsync(Job job, ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        var details = IdentityDetails.FromJson(System.Text.Encoding.UTF8.GetString(input.Span))
            ?? throw new InvalidOperationException("An identity job's details are missing.");
        var call = await baidu.PrepareIdMatchAsync(details.Name, details.IdNumber, details.StartDate, details.EndDate, cancellationToken);
        return new BaiduJobCall<BaiduIdMatchResponse>(
            call, baidu, answer => Outcome(answer.Verified ? IdentityResults.Matched : IdentityResults.Mismatched, details.WithValidity));
    }

    public RecognitionOutcome? Answer(Job job, BaiduErrorClass errorClass) => errorClass switch
    {
        BaiduErrorClass.IdentityNotConfirmed => Outcome(IdentityResults.Mismatched, WithValidity(job)),
        BaiduErrorClass.IdentityUnknown => Outcome(IdentityResults.Unavailable, WithValidity(job)),
        _ => null,
    };

    public RecognitionOutcome Unanswered(Job job) => Outcome(IdentityResults.Unavailable, WithValidity(job));

    public string? ResultOf(Job finished) =>
        finished.Output is { } output && output.TryGetProperty("result", out var result) ? result.GetString() : null;

    /// <summary>A card takes <c>{result, checkedAt}</c>; a check that failed (its input refused) counts as unavailable.</summary>
    public object? Attachment(Job finished) =>
        finished.Output is { } output && output.TryGetProperty("result", out var result) && output.TryGetProperty("checkedAt", out var checkedAt)
            ? new IdentityCheckResult(result.GetString() ?? IdentityResults.Unavailable, checkedAt.GetDateTimeOffset())
            : new IdentityCheckResult(IdentityResults.Unavailable, finished.LastUpdatedTime);

    private static bool WithValidity(Job job) => IdentityDetails.FromJson(job.InputJson)?.WithValidity == true;

    private RecognitionOutcome.Recognized Outcome(string result, bool withValidity) =>
        new(new IdentityCheckOutput(result, time.GetUtcNow(), withValidity));
}
