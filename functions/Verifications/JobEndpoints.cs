using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shiming.Api;
using Shiming.IdCards;

namespace Shiming.Verifications;

/// <summary>
/// The Durable-style HTTP API every kind of job has: submit (<c>202</c> with the status URIs), status, terminate and
/// purge, on the kind's own routes (<c>/api/{route}</c>, <c>/api/{route}/{id}</c>, …). The kinds' functions read
/// their input and call these; what differs between kinds is only the line, the route and the not-found problem.
/// </summary>
public sealed class JobEndpoints(
    JobLines lines,
    PublicUrls urls,
    TimeProvider time,
    IOptions<VerificationOptions> options,
    ILogger<JobAcceptance> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyLength = 200;

    /// <summary>The <c>Idempotency-Key</c> of the request (null when none), or the problem with it.</summary>
    public static ProblemHttpResult? ReadIdempotencyKey(HttpRequest request, out string? idempotencyKey)
    {
        var value = request.Headers[IdempotencyKeyHeader].ToString();
        idempotencyKey = value.Length == 0 ? null : value;
        return value.Length > MaxIdempotencyKeyLength || value.Any(c => c is < ' ' or > '~')
            ? Problems.BadRequest("invalid_idempotency_key", "The Idempotency-Key header is not usable.",
                $"Use at most {MaxIdempotencyKeyLength} printable ASCII characters, for example a UUID.")
            : null;
    }

    /// <summary>Accepts an upload that passed every check as a job of <paramref name="kind"/>, or says why not.</summary>
    public async Task<Results<Accepted<VerificationAccepted>, ProblemHttpResult>> SubmitAsync(
        JobKind kind, string route, HttpRequest request, Upload upload, string? idempotencyKey, string? variant, CancellationToken cancellationToken)
    {
        var line = lines[kind];
        var context = request.HttpContext;
        var caller = CallerAccount.Of(request);
        SubmitResult submitted;
        try
        {
            submitted = await line.Acceptance.SubmitAsync(
                caller.Key, upload, idempotencyKey, options.Value.MaxLiveJobsPerAccount, cancellationToken, variant);
        }
        catch (Azure.RequestFailedException ex)
        {
            Log.SubmitStorageFailed(logger, ex.Status, ex.ErrorCode);
            return Problems.StorageUnavailable();
        }
        catch (AggregateException)
        {
            // The SDK's retries met only transport faults: storage could not be reached.
            Log.SubmitStorageFailed(logger, 0, null);
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
            SetRetryAfter(context.Response, await EstimateAsync(line, job: null, cancellationToken), time);
            return Problems.TooManyPending(options.Value.MaxLiveJobsPerAccount);
        }

        var waiting = job.Status.IsTerminal() ? null : await EstimateAsync(line, job, cancellationToken);
        if (waiting is not null)
        {
            SetRetryAfter(context.Response, waiting, time);
        }

        if (submitted.Outcome == SubmitOutcome.Created)
        {
            Log.Accepted(logger, job.Id, job.Kind == JobKind.Verification ? job.Side.ToWireName() : job.Variant ?? job.Kind.ToWireName(), upload.Image.ToMemory().Length);
        }
        else
        {
            Log.Deduplicated(logger, job.Id);
        }

        var statusUri = StatusUri(request, route, job.Id);
        return TypedResults.Accepted(statusUri, new VerificationAccepted(
            job.Id,
            statusUri,
            urls.Absolute(request, $"/api/{route}/{job.Id}/terminate"),
            statusUri,
            job.Status,
            job.CreatedTime,
            waiting));
    }

    /// <summary>Where the account's job stands; <paramref name="notFound"/> when it has no such job of this kind.</summary>
    public async Task<Results<Ok<VerificationStatus>, Accepted<VerificationStatus>, ProblemHttpResult>> GetStatusAsync(
        JobKind kind, string route, HttpRequest request, string id, ProblemHttpResult notFound, CancellationToken cancellationToken)
    {
        var line = lines[kind];
        var job = await line.Records.FindAsync(CallerAccount.Of(request).Key, id, cancellationToken);
        if (job is null)
        {
            return notFound;
        }

        if (job.Status.IsTerminal())
        {
            return TypedResults.Ok(ToStatus(job, customStatus: null));
        }

        var waiting = await EstimateAsync(line, job, cancellationToken);
        SetRetryAfter(request.HttpContext.Response, waiting, time);
        return TypedResults.Accepted(StatusUri(request, route, job.Id), ToStatus(job, waiting));
    }

    public async Task<Results<Accepted, ProblemHttpResult>> TerminateAsync(
        JobKind kind, HttpRequest request, string id, ProblemHttpResult notFound, CancellationToken cancellationToken) =>
        await lines[kind].Transitions.TerminateAsync(CallerAccount.Of(request).Key, id, cancellationToken) switch
        {
            TerminateOutcome.Terminated => TypedResults.Accepted((string?)null),
            TerminateOutcome.AlreadyFinished => Problems.AlreadyFinished(),
            _ => notFound,
        };

    public async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeAsync(
        JobKind kind, HttpRequest request, string id, ProblemHttpResult notFound, CancellationToken cancellationToken) =>
        await lines[kind].Purge.PurgeAsync(CallerAccount.Of(request).Key, id, cancellationToken)
            ? TypedResults.Ok(new PurgeResult(InstancesDeleted: 1))
            : notFound;

    private static VerificationStatus ToStatus(VerificationJob job, WaitingStatus? customStatus) => new(
        job.Id,
        job.Kind.OrchestrationName(),
        job.Status,
        job.CreatedTime,
        job.LastUpdatedTime,
        customStatus,
        job.Output,
        job.Error);

    private string StatusUri(HttpRequest request, string route, string id) => urls.Absolute(request, $"/api/{route}/{id}");

    /// <summary>
    /// Where a live job stands. Waiting: its place in its kind's line among every account's waiting jobs, and a start
    /// time from that place and the kind's budget (each job ahead takes one call start), later when Baidu's quota
    /// has paused the kind, with the reason. Running: it started when it was last updated. For a submission refused
    /// at the cap (<paramref name="job"/> null), the wait behind every waiting job of the kind.
    /// </summary>
    private async Task<WaitingStatus> EstimateAsync(JobLine line, VerificationJob? job, CancellationToken cancellationToken)
    {
        var pause = await line.Ledger.GetPauseAsync(cancellationToken);
        if (job?.Status == RuntimeStatus.Running)
        {
            return new WaitingStatus(QueuePosition: null, job.LastUpdatedTime, pause?.Reason);
        }

        var ahead = job is null
            ? await line.Backlog.CountAsync(cancellationToken)
            : await line.Backlog.CountAheadAsync(job, cancellationToken);
        var now = time.GetUtcNow();
        var from = pause is not null && pause.Until > now ? pause.Until : now;
        return new WaitingStatus(QueuePosition: job is null ? null : ahead + 1, from + (line.Ledger.Interval * ahead), pause?.Reason);
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
