using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Shiming.Api;
using Shiming.Jobs;

namespace Shiming.ImageModerations;

/// <summary>Submit, poll, terminate and purge image moderations (the same Durable-style status API as verifications), and their drain.</summary>
[Tags("Image moderations")]
public sealed class ImageModerationFunctions(JobEndpoints endpoints, JobDrains drains)
{
    private static readonly JobKind Kind = ImageModerationKind.Definition;

    [Function(nameof(SubmitImageModeration))]
    [EndpointSummary("Submit a picture a user uploaded, to have it screened.")]
    [EndpointDescription("multipart/form-data with a file part \"image\", or a raw body with Content-Type image/jpeg, image/png or image/bmp; at least 128 pixels a side and 3,840 bytes. An Idempotency-Key header, or the same image resubmitted while its job is live, returns the existing job.")]
    [ProducesImageSubmissionProblems]
    public Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> SubmitImageModeration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "image-moderations")] HttpRequest request, CancellationToken cancellationToken) =>
        endpoints.SubmitImageAsync(Kind, request, field: null, ImageModerationKind.Check, cancellationToken);

    [Function(nameof(GetImageModerationStatus))]
    [EndpointSummary("Where an image moderation stands, and its verdict once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<JobStatus>, Accepted<JobStatus>, ProblemHttpResult>> GetImageModerationStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "image-moderations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.GetStatusAsync(Kind, request, id, cancellationToken);

    [Function(nameof(TerminateImageModeration))]
    [EndpointSummary("Stop an image moderation that has not finished; it is never sent for moderation afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public Task<Results<Accepted, ProblemHttpResult>> TerminateImageModeration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "image-moderations/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.TerminateAsync(Kind, request, id, cancellationToken);

    [Function(nameof(PurgeImageModeration))]
    [EndpointSummary("Delete an image moderation: its image and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeImageModeration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "image-moderations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.PurgeAsync(Kind, request, id, cancellationToken);

    /// <summary>Every second: feed queued image moderations to Baidu within the moderation budget.</summary>
    [Function(nameof(DrainImageModerations))]
    public Task DrainImageModerations([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        drains.RunAsync(Kind, cancellationToken);
}
