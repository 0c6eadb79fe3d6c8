using Shiming.Baidu;
using Shiming.Jobs;

namespace Shiming.ImageModerations;

/// <summary>Baidu's <c>img_censor/v2/user_defined</c> for moderation jobs, judged by the rules set in the account's console.</summary>
public sealed class ModerationJobApi(BaiduClient baidu) : IJobApi
{
    public JobErrors Errors => ImageModerationMapper.Errors;

    public async Task<IPreparedJobCall> PrepareAsync(Job job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        new BaiduJobCall<BaiduModerationResponse>(await baidu.PrepareModerationAsync(image, cancellationToken), baidu, ImageModerationMapper.Map);
}
