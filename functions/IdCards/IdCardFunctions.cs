using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Shiming.Api;
using Shiming.Jobs;

namespace Shiming.IdCards;

/// <summary>Submit, poll, terminate and purge verifications (the Durable-style status API), and their drain.</summary>
[Tags("Verifications")]
public sealed class IdCardFunctions(JobEndpoints endpoints, JobDrains drains)
{
    public const string IdempotencyKeyHeader = JobEndpoints.IdempotencyKeyHeader;

    private static readonly JobKind Kind = IdCardKind.Definition;

    [Function(nameof(SubmitVerification))]
    [EndpointSummary("Submit a photo of an ID card for recognition.")]
    [EndpointDescription("multipart/form-data with a file part \"image\" and an optional field \"side\" (front or back), or a raw body with Content-Type image/jpeg, image/png or image/bmp and ?side=. An Idempotency-Key header, or the same image resubmitted while its job is live, returns the existing job.")]
    [ProducesImageSubmissionProblems]
    public Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> SubmitVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "verifications")] HttpRequest request, CancellationToken cancellationToken) =>
        endpoints.SubmitImageAsync(Kind, request, IdCardKind.SideField, IdCardKind.Check, cancellationToken);

    [Function(nameof(GetVerificationStatus))]
    [EndpointSummary("Where a verification stands, and its result once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<JobStatus>, Accepted<JobStatus>, ProblemHttpResult>> GetVerificationStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "verifications/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.GetStatusAsync(Kind, request, id, cancellationToken);

    [Function(nameof(TerminateVerification))]
    [EndpointSummary("Stop a verification that has not finished; it is never sent for recognition afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public Task<Results<Accepted, ProblemHttpResult>> TerminateVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "verifications/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.TerminateAsync(Kind, request, id, cancellationToken);

    [Function(nameof(PurgeVerification))]
    [EndpointSummary("Delete a verification: its image and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "verifications/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.PurgeAsync(Kind, request, id, cancellationToken);

    /// <summary>Every second: feed queued cards to Baidu within the ID-card budget.</summary>
    [Function(nameof(DrainVerifications))]
    public Task DrainVerifications([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        drains.RunAsync(Kind, cancellationToken);
}
