using Shiming.Baidu;
using Shiming.Jobs;

namespace Shiming.IdCards;

/// <summary>Baidu's <c>idcard</c> for card jobs: the side from the job's variant, the answer through <see cref="IdCardResultMapper"/>.</summary>
public sealed class IdCardJobApi(BaiduClient baidu, TimeProvider time) : IJobApi
{
    public JobErrors Errors => IdCardResultMapper.Errors.All;

    public async Task<IPreparedJobCall> PrepareAsync(Job job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        _ = IdCardSides.TryParse(job.Variant, out var side);
        var call = await baidu.PrepareIdCardAsync(image, back: side == IdCardSide.Back, cancellationToken);
        return new BaiduJobCall<BaiduIdCardResponse>(call, baidu, answer => IdCardResultMapper.Map(answer, side, time.GetUtcNow()));
    }
}
