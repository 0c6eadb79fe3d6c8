using Shiming.Baidu;
using Shiming.Jobs;

namespace Shiming.TextRecognitions;

/// <summary>Baidu's general text OCR for text jobs: the edition the job's <see cref="TextRequest"/> names.</summary>
public sealed class TextJobApi(BaiduClient baidu) : IJobApi
{
    public JobErrors Errors => TextRecognitionMapper.Errors;

    public async Task<IPreparedJobCall> PrepareAsync(Job job, ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var request = TextRequest.FromVariant(job.Variant);
        var call = await baidu.PrepareTextAsync(request.Api, image, cancellationToken);
        return new BaiduJobCall<BaiduTextResponse>(call, baidu, answer => TextRecognitionMapper.Map(answer, request));
    }
}
