using Shiming.Baidu;
using Shiming.Verifications;

namespace Shiming.ImageModerations;

/// <summary>Baidu's <c>img_censor/v2/user_defined</c> for moderation jobs, judged by the rules set in the account's console.</summary>
public sealed class ModerationJobApi(BaiduClient baidu) : IJobApi
{
    public string Description => "image moderation";

    public VerificationError ImageMissing => ImageModerationMapper.Errors.ImageMissing;

    public VerificationError ProviderUnavailable => ImageModerationMapper.Errors.ProviderUnavailable;

    public async Task<IPreparedJobCall> PrepareAsync(VerificationJob job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        new Call(await baidu.PrepareModerationAsync(image, cancellationToken), baidu);

    /// <summary>
    /// Baidu's input errors for moderation (its error table): the image (empty, not a format it reads, outside its size
    /// limits, not decodable, GIF frame limits), or a parameter. 282202 (a model's detection timed out) is not the
    /// input's fault and is retried.
    /// </summary>
    public VerificationError? InputError(int errorCode) => errorCode switch
    {
        216200 or 216201 or 216202 or 216203 or 282002 or 282100 or 282203 or 282204 or 282205 => ImageModerationMapper.Errors.ImageUnreadable,
        216100 or 216101 or 216103 or 282003 or (>= 282801 and <= 282999) => ImageModerationMapper.Errors.ProviderRejected,
        _ => null,
    };

    private sealed class Call(PreparedBaiduCall call, BaiduClient baidu) : IPreparedJobCall
    {
        public async Task<RecognitionOutcome> SendAsync(CancellationToken cancellationToken) =>
            ImageModerationMapper.Map(await baidu.SendAsync<BaiduModerationResponse>(call, cancellationToken));

        public void Dispose() => call.Dispose();
    }
}
