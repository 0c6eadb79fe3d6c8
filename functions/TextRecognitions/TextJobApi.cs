using Shiming.Baidu;
using Shiming.Verifications;

namespace Shiming.TextRecognitions;

/// <summary>Baidu's general text OCR for text jobs: the edition the job's <see cref="TextRequest"/> names.</summary>
public sealed class TextJobApi(BaiduClient baidu) : IJobApi
{
    public string Description => "text recognition";

    public VerificationError ImageMissing => TextRecognitionMapper.Errors.ImageMissing;

    public VerificationError ProviderUnavailable => TextRecognitionMapper.Errors.ProviderUnavailable;

    public async Task<IPreparedJobCall> PrepareAsync(VerificationJob job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var request = TextRequest.FromVariant(job.Variant);
        return new Call(await baidu.PrepareTextAsync(request.Api, image, cancellationToken), request, baidu);
    }

    /// <summary>Baidu's input errors for the text APIs (its OCR error table): the image, or a parameter, is at fault.</summary>
    public VerificationError? InputError(int errorCode) => errorCode switch
    {
        216200 or 216201 or 216202 or 216203 or 282810 => TextRecognitionMapper.Errors.ImageUnreadable,
        216100 or 216101 or 216103 or 282003 => TextRecognitionMapper.Errors.ProviderRejected,
        _ => null,
    };

    private sealed class Call(PreparedBaiduCall call, TextRequest request, BaiduClient baidu) : IPreparedJobCall
    {
        public async Task<RecognitionOutcome> SendAsync(CancellationToken cancellationToken) =>
            TextRecognitionMapper.Map(await baidu.SendAsync<BaiduTextResponse>(call, cancellationToken), request);

        public void Dispose() => call.Dispose();
    }
}
