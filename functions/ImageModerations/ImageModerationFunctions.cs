using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Shiming.Api;
using Shiming.Verifications;

namespace Shiming.ImageModerations;

/// <summary>Submit, poll, terminate and purge image moderations: the same Durable-style status API as verifications.</summary>
[Tags("Image moderations")]
public sealed class ImageModerationFunctions(JobEndpoints endpoints)
{
    /// <summary>Baidu's moderation takes no picture under 128 pixels a side.</summary>
    public const int MinSide = 128;

    /// <summary>Baidu's moderation takes no image under 5 KB of Base64, which is 3,840 bytes of image.</summary>
    public const int MinImageBytes = 5 * 1024 * 3 / 4;

    private const string Route = "image-moderations";

    [Function(nameof(SubmitImageModeration))]
    [EndpointSummary("Submit a picture a user uploaded, to have it screened.")]
    [EndpointDescription("multipart/form-data with a file part \"image\", or a raw body with Content-Type image/jpeg, image/png or image/bmp; at least 128 pixels a side and 3,840 bytes. An Idempotency-Key header, or the same image resubmitted while its job is live, returns the existing job.")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    [ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    [ProducesProblem(StatusCodes.Status503ServiceUnavailable)]
    public async Task<Results<Accepted<VerificationAccepted>, ProblemHttpResult>> SubmitImageModeration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "image-moderations")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (JobEndpoints.ReadIdempotencyKey(request, out var idempotencyKey) is { } badKey)
        {
            return badKey;
        }

        var read = await UploadReader.ReadAsync(request.HttpContext, cancellationToken, withSide: false);
        if (read.Result is not Ok<Upload> { Value: { } upload })
        {
            return (ProblemHttpResult)read.Result;
        }

        if (upload.Header.Width < MinSide || upload.Header.Height < MinSide || upload.Image.ToMemory().Length < MinImageBytes)
        {
            return Problems.ImageUnusable(
                $"The image is {upload.Header.Width}×{upload.Header.Height} pixels and {upload.Image.ToMemory().Length} bytes; moderation needs at least {MinSide} pixels on each side and {MinImageBytes} bytes. Send the picture at its original size.");
        }

        return await endpoints.SubmitAsync(JobKind.Moderation, Route, request, upload, idempotencyKey, variant: null, cancellationToken);
    }

    [Function(nameof(GetImageModerationStatus))]
    [EndpointSummary("Where an image moderation stands, and its verdict once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<VerificationStatus>, Accepted<VerificationStatus>, ProblemHttpResult>> GetImageModerationStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "image-moderations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.GetStatusAsync(JobKind.Moderation, Route, request, id, NotFound(), cancellationToken);

    [Function(nameof(TerminateImageModeration))]
    [EndpointSummary("Stop an image moderation that has not finished; it is never sent for moderation afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public async Task<Results<Accepted, ProblemHttpResult>> TerminateImageModeration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "image-moderations/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.TerminateAsync(JobKind.Moderation, request, id, NotFound(), cancellationToken);

    [Function(nameof(PurgeImageModeration))]
    [EndpointSummary("Delete an image moderation: its image and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeImageModeration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "image-moderations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.PurgeAsync(JobKind.Moderation, request, id, NotFound(), cancellationToken);

    private static ProblemHttpResult NotFound() => Problems.Create(
        StatusCodes.Status404NotFound, "image_moderation_not_found", "No such image moderation.",
        "There is no image moderation with this id for your account. It may have been purged; submit the picture again.");
}
