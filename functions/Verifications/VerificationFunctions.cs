using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shiming.Api;
using Shiming.Baidu;
using Microsoft.Azure.Functions.Worker;
using Shiming.IdCards;

namespace Shiming.Verifications;

/// <summary>What the verification functions need.</summary>
public sealed record VerificationServices(
    JobAcceptance Acceptance,
    JobRecords Records,
    JobTransitions Transitions,
    VerificationPurge Purge,
    Backlog Backlog,
    BudgetLedger Ledger,
    PublicUrls Urls,
    TimeProvider Time,
    IOptionsMonitor<BaiduOptions> Baidu,
    IOptions<VerificationOptions> Options,
    ILogger<JobAcceptance> Logger);

/// <summary>Submit, poll, terminate and purge verifications: the Durable-style status API.</summary>
[Tags("Verifications")]
public sealed class VerificationFunctions(VerificationServices services)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyLength = 200;

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
        var context = request.HttpContext;
        var caller = CallerAccount.Of(request);
        var idempotencyKey = context.Request.Headers[IdempotencyKeyHeader].ToString();
        if (idempotencyKey.Length > MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is < ' ' or > '~'))
        {
            return Problems.BadRequest("invalid_idempotency_key", "The Idempotency-Key header is not usable.",
                $"Use at most {MaxIdempotencyKeyLength} printable ASCII characters, for example a UUID.");
        }

        var read = await UploadReader.ReadAsync(context, cancellationToken);
        if (read.Result is not Ok<Upload> { Value: { } upload })
        {
            return (ProblemHttpResult)read.Result;
        }

        SubmitResult submitted;
        try
        {
            submitted = await services.Acceptance.SubmitAsync(
                caller.Key, upload, idempotencyKey.Length == 0 ? null : idempotencyKey, services.Options.Value.MaxLiveJobsPerAccount, cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            Log.SubmitStorageFailed(services.Logger, ex.Status, ex.ErrorCode);
            return Problems.StorageUnavailable();
        }
        catch (AggregateException)
        {
            // The SDK's retries met only transport faults: storage could not be reached.
            Log.SubmitStorageFailed(services.Logger, 0, null);
            return Problems.StorageUnavailable();
        }

        if (submitted.Outcome == SubmitOutcome.InProgress)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problems.SubmissionInProgress();
        }

        if (submitted.Job is not { } job)
        {
            // Room comes back when one of the account's jobs finishes: no sooner than the line ahead allows.
            SetRetryAfter(context.Response, await EstimateAsync(job: null, cancellationToken), services.Time);
            return Problems.TooManyPending(services.Options.Value.MaxLiveJobsPerAccount);
        }

        var waiting = job.Status.IsTerminal() ? null : await EstimateAsync(job, cancellationToken);
        if (waiting is not null)
        {
            SetRetryAfter(context.Response, waiting, services.Time);
        }

        if (submitted.Outcome == SubmitOutcome.Created)
        {
            Log.Accepted(services.Logger, job.Id, job.Side.ToWireName(), upload.Image.ToMemory().Length);
        }
        else
        {
            Log.Deduplicated(services.Logger, job.Id);
        }

        var statusUri = StatusUri(context.Request, services.Urls, job.Id);
        return TypedResults.Accepted(statusUri, new VerificationAccepted(
            job.Id,
            statusUri,
            services.Urls.Absolute(context.Request, $"/api/verifications/{job.Id}/terminate"),
            statusUri,
            job.Status,
            job.CreatedTime,
            waiting));
    }

    [Function(nameof(GetVerificationStatus))]
    [EndpointSummary("Where a verification stands, and its result once finished.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<VerificationStatus>, Accepted<VerificationStatus>, ProblemHttpResult>> GetVerificationStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "verifications/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var context = request.HttpContext;
        var caller = CallerAccount.Of(request);
        var job = await services.Records.FindAsync(caller.Key, id, cancellationToken);
        if (job is null)
        {
            return Problems.VerificationNotFound();
        }

        if (job.Status.IsTerminal())
        {
            return TypedResults.Ok(ToStatus(job, customStatus: null));
        }

        var waiting = await EstimateAsync(job, cancellationToken);
        SetRetryAfter(context.Response, waiting, services.Time);
        return TypedResults.Accepted(StatusUri(context.Request, services.Urls, job.Id), ToStatus(job, waiting));
    }

    [Function(nameof(TerminateVerification))]
    [EndpointSummary("Stop a verification that has not finished; it is never sent for recognition afterwards.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status410Gone)]
    public async Task<Results<Accepted, ProblemHttpResult>> TerminateVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "verifications/{id}/terminate")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await services.Transitions.TerminateAsync(CallerAccount.Of(request).Key, id, cancellationToken) switch
        {
            TerminateOutcome.Terminated => TypedResults.Accepted((string?)null),
            TerminateOutcome.AlreadyFinished => Problems.AlreadyFinished(),
            _ => Problems.VerificationNotFound(),
        };

    [Function(nameof(PurgeVerification))]
    [EndpointSummary("Delete a verification: its image and its record.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "verifications/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        await services.Purge.PurgeAsync(CallerAccount.Of(request).Key, id, cancellationToken)
            ? TypedResults.Ok(new PurgeResult(InstancesDeleted: 1))
            : Problems.VerificationNotFound();

    private static VerificationStatus ToStatus(VerificationJob job, WaitingStatus? customStatus) => new(
        job.Id,
        VerificationStatus.OrchestrationName,
        job.Status,
        job.CreatedTime,
        job.LastUpdatedTime,
        customStatus,
        job.Output,
        job.Error);

    private static string StatusUri(HttpRequest request, PublicUrls urls, string id) =>
        urls.Absolute(request, $"/api/verifications/{id}");

    /// <summary>
    /// Where a live job stands. Waiting: its place in line among every account's waiting jobs, and a start
    /// time from that place and the budget (each job ahead takes one call start), later when Baidu's quota
    /// has paused recognition, with the reason. Running: it started when it was last updated. For a
    /// submission refused at the cap (<paramref name="job"/> null), the wait behind every waiting job.
    /// </summary>
    private async Task<WaitingStatus> EstimateAsync(VerificationJob? job, CancellationToken cancellationToken)
    {
        var pause = await services.Ledger.GetPauseAsync(cancellationToken);
        if (job?.Status == RuntimeStatus.Running)
        {
            return new WaitingStatus(QueuePosition: null, job.LastUpdatedTime, pause?.Reason);
        }

        var ahead = job is null
            ? await services.Backlog.CountAsync(cancellationToken)
            : await services.Backlog.CountAheadAsync(job, cancellationToken);
        var now = services.Time.GetUtcNow();
        var from = pause is not null && pause.Until > now ? pause.Until : now;
        return new WaitingStatus(QueuePosition: job is null ? null : ahead + 1, from + (services.Ledger.Interval * ahead), pause?.Reason);
    }

    /// <summary>
    /// The wait until the estimated start, kept between 1 and 60 seconds, plus up to a fifth more at random, so
    /// that clients who submitted together do not all poll again in the same second.
    /// </summary>
    private static void SetRetryAfter(HttpResponse response, WaitingStatus waiting, TimeProvider time)
    {
        var seconds = Math.Clamp((int)Math.Ceiling((waiting.EstimatedStartTime - time.GetUtcNow()).TotalSeconds), 1, 60);
        seconds = Math.Min(60, seconds + Random.Shared.Next(0, (seconds / 5) + 1));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The purge answer, as the Durable Functions HTTP API shapes it.</summary>
public sealed record PurgeResult(int InstancesDeleted);
