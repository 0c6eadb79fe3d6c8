using System.Text.Json;
using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.IdentityChecks;
using Shiming.Jobs;

namespace Shiming.IdCards;

/// <summary>
/// Baidu's <c>idcard</c> for card jobs: the side from the job's variant, the answer through <see cref="IdCardResultMapper"/>.
/// While the identity check is on, a front whose number passes its checksum is followed by a check of its name and
/// number with the authority (<see cref="IdentityCheckKind"/>); any other front is marked <c>skipped</c>.
/// </summary>
public sealed class IdCardJobApi(BaiduClient baidu, IOptionsMonitor<IdentityCheckOptions> identity, TimeProvider time) : IJobApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public JobErrors Errors => IdCardResultMapper.Errors.All;

    public async Task<IPreparedJobCall> PrepareAsync(Job job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        _ = IdCardSides.TryParse(job.Variant, out var side);
        var call = await baidu.PrepareIdCardAsync(image, back: side == IdCardSide.Back, cancellationToken);
        return new BaiduJobCall<BaiduIdCardResponse>(call, baidu, answer => MarkSkipped(IdCardResultMapper.Map(answer, side, time.GetUtcNow())));
    }

    public JobFollowUp? FollowUpOf(Job completed) =>
        Front(completed.OutputJson) is { IdentityCheck: null, Name: { } name, IdNumber: { } number }
            ? new JobFollowUp(IdentityCheckKind.Definition, JobInput.Details(new IdentityDetails(name, number).ToJson()))
            : null;

    /// <summary>A front that will not be checked says so, and why there is no call: the check is off, or the number is not valid.</summary>
    private RecognitionOutcome MarkSkipped(RecognitionOutcome outcome) =>
        outcome is RecognitionOutcome.Recognized { Output: IdCardFrontOutput front } && !(identity.CurrentValue.Enabled && front.IdNumberValid && front.Name is not null)
            ? new RecognitionOutcome.Recognized(front with { IdentityCheck = new IdentityCheckResult(IdentityResults.Skipped, time.GetUtcNow()) })
            : outcome;

    private static IdCardFrontOutput? Front(string? outputJson) =>
        outputJson is not null && JsonSerializer.Deserialize<IdCardFrontOutput>(outputJson, Json) is { Side: "front" } front ? front : null;
}
