using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Shiming.Api;
using Shiming.Jobs;

namespace Shiming.IdentityChecks;

/// <summary>Submit, poll, terminate and purge identity checks of details typed in (the Durable-style status API), and their drain.</summary>
[Tags("Identity checks")]
public sealed class IdentityCheckFunctions(JobEndpoints endpoints, JobDrains drains, TimeProvider time)
{
    private static readonly JobKind Kind = IdentityCheckKind.Definition;

    [Function(nameof(SubmitIdentityCheck))]
    [EndpointSummary("Check a name and ID number (and optionally the card's validity dates) with the authority's records.")]
    [EndpointDescription("JSON {name, idNumber, validFrom?, validUntil?}: dates yyyy-MM-dd, validUntil may be 长期. Input that cannot be right (a number failing GB 11643, an empty or over-long name, dates out of order) is refused at once, with no call spent. An Idempotency-Key header returns the existing check.")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    public async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> SubmitIdentityCheck(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identity-checks")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (JobEndpoints.ReadIdempotencyKey(request, out var idempotencyKey) is { } badKey)
        {
            return badKey;
        }

        var read = await IdentityCheckInput.ReadAsync(request, time, cancellationToken);
        return read.Problem ?? await endpoints.SubmitAsync(Kind, request, JobInput.Details(read.Details!.ToJson()), idempotencyKey, cancellationToken);
    }

    [Function(nameof(GetIdentityCheckStatus))]
    [EndpointSummary("Where an identity check stands, and the authority's answer once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<JobStatus>, Accepted<JobStatus>, ProblemHttpResult>> GetIdentityCheckStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identity-checks/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.GetStatusAsync(Kind, request, id, cancellationToken);

    [Function(nameof(TerminateIdentityCheck))]
    [EndpointSummary("Stop an identity check that has not finished; it is never sent to the authority afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public Task<Results<Accepted, ProblemHttpResult>> TerminateIdentityCheck(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "identity-checks/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.TerminateAsync(Kind, request, id, cancellationToken);

    [Function(nameof(PurgeIdentityCheck))]
    [EndpointSummary("Delete an identity check: its details and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeIdentityCheck(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "identity-checks/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        endpoints.PurgeAsync(Kind, request, id, cancellationToken);

    /// <summary>Every second: send queued identity checks to the authority within the identity budget.</summary>
    [Function(nameof(DrainIdentityChecks))]
    public Task DrainIdentityChecks([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        drains.RunAsync(Kind, cancellationToken);
}
