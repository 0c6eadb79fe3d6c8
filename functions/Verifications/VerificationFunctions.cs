using Microsoft.AspNetCore.Http.HttpResults;
using Shiming.Api;
using Microsoft.Azure.Functions.Worker;

namespace Shiming.Verifications;

/// <summary>Submit, poll, terminate and purge verifications: the Durable-style status API.</summary>
[Tags("Verifications")]
public sealed class VerificationFunctions(JobEndpoints endpoints)
{
    public const string IdempotencyKeyHeader = JobEndpoints.IdempotencyKeyHeader;
    private const string Route = "verifications";

    [Function(nameof(SubmitVerification))]
    [EndpointSummary("Submit a photo of an ID card for recognition.")]
    [EndpointDescription("multipart/form-data with a file part \"image\" and an optional field \"side\" (front or back), or a raw body with Content-Type image/jpeg, image/png or image/bmp and ?side=. An Idempotency-Key header, or the same image resubmitted while its job is live, returns the existing job.")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status413PayloadTooLarge)]
    [ProducesProblem(StatusCodes.Status415UnsupportedMediaType)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    [ProducesProblem(StatusCodes.Status503ServiceUnavailable)]
    public async Task<Results<Accepted<VerificationAccepted>, ProblemHttpResult>> SubmitVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "verifications")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (JobEndpoints.ReadIdempotencyKey(request, out var idempotencyKey) is { } badKey)
        {
            return badKey;
        }

        var read = await UploadReader.ReadAsync(request.HttpContext, cancellationToken);
        if (read.Result is not Ok<Upload> { Value: { } upload })
        {
            return (ProblemHttpResult)read.Result;
        }

        return await endpoints.SubmitAsync(JobKind.Verification, Route, request, upload, idempotencyKey, variant: null, cancellationToken);
    }

    [Function(nameof(GetVerificationStatus))]
    [EndpointSummary("Where a verification stands, and its result once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<VerificationStatus>, Accepted<VerificationStatus>, ProblemHttpResult>> GetVerificationStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "verifications/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.GetStatusAsync(JobKind.Verification, Route, request, id, Problems.VerificationNotFound(), cancellationToken);

    [Function(nameof(TerminateVerification))]
    [EndpointSummary("Stop a verification that has not finished; it is never sent for recognition afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public async Task<Results<Accepted, ProblemHttpResult>> TerminateVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "verifications/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.TerminateAsync(JobKind.Verification, request, id, Problems.VerificationNotFound(), cancellationToken);

    [Function(nameof(PurgeVerification))]
    [EndpointSummary("Delete a verification: its image and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "verifications/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await endpoints.PurgeAsync(JobKind.Verification, request, id, Problems.VerificationNotFound(), cancellationToken);
}

/// <summary>The purge answer, as the Durable Functions HTTP API shapes it.</summary>
public sealed record PurgeResult(int InstancesDeleted);
