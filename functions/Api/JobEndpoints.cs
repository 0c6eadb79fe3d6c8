using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shiming.Jobs;
using Shiming.Storage;

namespace Shiming.Api;

/// <summary>
/// The Durable-style HTTP API every kind of job has: submit (<c>202</c> with the status URIs), status, terminate and
/// purge, on the kind's own routes (<c>/api/{route}</c>, <c>/api/{route}/{id}</c>, …). The kinds' functions call
/// these; what differs between kinds is their <see cref="JobKind"/> and how a submission is checked.
/// </summary>
public sealed class JobEndpoints(
    JobLines lines,
    PublicUrls urls,
    TimeProvider time,
    IOptions<JobOptions> options,
    StorageAvailability storage,
    ILogger<JobEndpoints> logger)
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

    /// <summary>
    /// Reads an image submission (its <c>Idempotency-Key</c>, then the image and the kind's <paramref name="field"/>),
    /// lets the kind <paramref name="check"/> it, and accepts it as a job, or says why not.
    /// </summary>
    public async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> SubmitImageAsync(
        JobKind kind, HttpRequest request, UploadField? field, Func<Upload, SubmissionCheck> check, CancellationToken cancellationToken)
    {
        if (ReadIdempotencyKey(request, out var idempotencyKey) is { } badKey)
        {
            return badKey;
        }

        var read = await UploadReader.ReadAsync(request.HttpContext, field, cancellationToken);
        if (read.Result is not Ok<Upload> { Value: { } upload })
        {
            return (ProblemHttpResult)read.Result;
        }

        var checkedUpload = check(upload);
        return checkedUpload.Problem
            ?? await SubmitAsync(kind, request, new JobInput(upload.Image, upload.Header.MediaType, checkedUpload.Variant), idempotencyKey, cancellationToken);
    }

    /// <summary>Accepts input that passed every check as a job of <paramref name="kind"/>, or says why not.</summary>
    public async Task<Results<Accepted<JobAccepted>, ProblemHttpResult>> SubmitAsync(
        JobKind kind, HttpRequest request, JobInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var line = lines[kind];
        var context = request.HttpContext;
        var caller = CallerAccount.Of(request);
        SubmitResult submitted;
        try
        {
            submitted = await line.Acceptance.SubmitAsync(
                caller.Key, input, idempotencyKey, options.Value.MaxLiveJobsPerAccount, cancellationToken);
        }
        catch (Exception ex) when (storage.Failed(ex))
        {
            context.Response.Headers.RetryAfter = Problems.StorageRetryAfterSeconds; // logged once an outage (StorageAvailability)
            return Problems.StorageUnavailable();
        }
        catch (Azure.RequestFailedException ex)
        {
            Log.SubmitStorageFailed(logger, ex.Status, ex.ErrorCode);
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
            Log.Accepted(logger, job.Id, job.Variant ?? kind.Name, input.Image.ToMemory().Length);
        }
        else
        {
            Log.Deduplicated(logger, job.Id);
        }

        var statusUri = StatusUri(request, kind, job.Id);
        return TypedResults.Accepted(statusUri, new JobAccepted(
            job.Id,
            statusUri,
            urls.Absolute(request, $"/api/{kind.Route}/{job.Id}/terminate"),
            statusUri,
            job.Status,
            job.CreatedTime,
            waiting));
    }

    /// <summary>Where the account's job stands; the kind's not-found problem when it has no such job of this kind.</summary>
    public async Task<Results<Ok<JobStatus>, Accepted<JobStatus>, ProblemHttpResult>> GetStatusAsync(
        JobKind kind, HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var line = lines[kind];
        var job = await line.Records.FindAsync(CallerAccount.Of(request).Key, id, cancellationToken);
        if (job is null)
        {
            return NotFound(kind);
        }

        if (job.Status.IsTerminal())
        {
            return TypedResults.Ok(ToStatus(job, customStatus: null));
        }

        var waiting = await EstimateAsync(line, job, cancellationToken);
        SetRetryAfter(request.HttpContext.Response, waiting, time);
        return TypedResults.Accepted(StatusUri(request, kind, job.Id), ToStatus(job, waiting));
    }

    public async Task<Results<Accepted, ProblemHttpResult>> TerminateAsync(
        JobKind kind, HttpRequest request, string id, CancellationToken cancellationToken) =>
        await lines[kind].Transitions.TerminateAsync(CallerAccount.Of(request).Key, id, cancellationToken) switch
        {
            TerminateOutcome.Terminated => TypedResults.Accepted((string?)null),
            TerminateOutcome.AlreadyFinished => Problems.AlreadyFinished(),
            _ => NotFound(kind),
        };

    public async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeAsync(
        JobKind kind, HttpRequest request, string id, CancellationToken cancellationToken) =>
        await lines[kind].Purge.PurgeAsync(CallerAccount.Of(request).Key, id, cancellationToken)
            ? TypedResults.Ok(new PurgeResult(InstancesDeleted: 1))
            : NotFound(kind);

    private static JobStatus ToStatus(Job job, WaitingStatus? customStatus) => new(
        job.Id,
        job.Kind.OrchestrationName,
        job.Status,
        job.CreatedTime,
        job.LastUpdatedTime,
        customStatus,
        job.Status.IsTerminal() ? job.Output : null, // a job waiting for its follow-up has recorded an output it does not answer with yet
        job.Error);

    private string StatusUri(HttpRequest request, JobKind kind, string id) => urls.Absolute(request, $"/api/{kind.Route}/{id}");

    private static ProblemHttpResult NotFound(JobKind kind) =>
        Problems.Create(StatusCodes.Status404NotFound, kind.NotFound.Code, kind.NotFound.Title, kind.NotFound.Detail);

    /// <summary>
    /// Where a live job stands. Waiting: its place in its kind's line among every account's waiting jobs, and a start
    /// time from that place and the kind's budget (each job ahead takes one call start), later when Baidu's quota
    /// has paused the kind, with the reason. Running: it started when it was last updated. For a submission refused
    /// at the cap (<paramref name="job"/> null), the wait behind every waiting job of the kind.
    /// </summary>
    private async Task<WaitingStatus> EstimateAsync(JobLine line, Job? job, CancellationToken cancellationToken)
    {
        // A job waiting for its follow-up stands where the follow-up stands, at the follow-up's stage.
        if (job?.FollowUp is { } followUp && lines.Find(followUp.Kind) is { } followUpLine)
        {
            var next = await followUpLine.Records.FindAsync(job.AccountKey, followUp.Id, cancellationToken);
            var waiting = next is null || next.Status.IsTerminal() ? new WaitingStatus(null, time.GetUtcNow(), null) : await EstimateAsync(followUpLine, next, cancellationToken);
            return waiting with { Stage = followUpLine.Kind.AttachAs };
        }

        var pause = await line.Budget.GetPauseAsync(cancellationToken);
        if (job?.Status == RuntimeStatus.Running)
        {
            return new WaitingStatus(QueuePosition: null, job.LastUpdatedTime, pause?.Reason);
        }

        var ahead = job is null
            ? await line.Backlog.CountAsync(cancellationToken)
            : await line.Backlog.CountAheadAsync(job, cancellationToken);
        var now = time.GetUtcNow();
        var from = pause is not null && pause.Until > now ? pause.Until : now;
        return new WaitingStatus(QueuePosition: job is null ? null : ahead + 1, from + (line.Budget.Interval * ahead), pause?.Reason);
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

/// <summary>What a kind made of a submission it checked: the job's variant, or the problem that refuses it.</summary>
public readonly record struct SubmissionCheck(string? Variant, ProblemHttpResult? Problem = null);
