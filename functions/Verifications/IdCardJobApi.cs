using Shiming.Baidu;

namespace Shiming.Verifications;

/// <summary>Baidu's <c>idcard</c> for verification jobs: the side from the job, the answer through <see cref="IdCardResultMapper"/>.</summary>
public sealed class IdCardJobApi(BaiduClient baidu, TimeProvider time) : IJobApi
{
    public string Description => "ID-card recognition";

    public VerificationError ImageMissing => IdCardResultMapper.Errors.ImageMissing;

    public VerificationError ProviderUnavailable => IdCardResultMapper.Errors.ProviderUnavailable;

    public async Task<IPreparedJobCall> PrepareAsync(VerificationJob job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        new Call(await baidu.PrepareIdCardAsync(image, job.Side, cancellationToken), job, baidu, time);

    public VerificationError? InputError(int errorCode) => errorCode switch
    {
        216633 => IdCardResultMapper.Errors.NotAnIdCard,
        216200 or 216201 or 216202 or 216203 => IdCardResultMapper.Errors.ImageUnreadable,
        216100 or 216101 or 216103 or 282003 => IdCardResultMapper.Errors.ProviderRejected,
        _ => null,
    };

    private sealed class Call(PreparedBaiduCall call, VerificationJob job, BaiduClient baidu, TimeProvider time) : IPreparedJobCall
    {
        public async Task<RecognitionOutcome> SendAsync(CancellationToken cancellationToken) =>
            IdCardResultMapper.Map(await baidu.SendAsync<BaiduIdCardResponse>(call, cancellationToken), job.Side, time.GetUtcNow());

        public void Dispose() => call.Dispose();
    }
}
