using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Telemetry;
using Azure.Storage.Queues.Models;

namespace Shiming.Verifications;

/// <summary>
/// The <c>DrainVerifications</c> timer function. While a backlog remains (and for at most
/// <c>Verifications__DrainDuration</c>) it takes queued jobs a couple of seconds ahead of the budget,
/// prepares each, waits for a reserved start time and calls Baidu; calls overlap, so throughput stays at
/// <c>Baidu__QpsLimit</c> however long Baidu takes to answer. Each outcome is handled by its class. The same drain
/// runs every kind's line (<see cref="JobLine.CreateDrain"/>), with that kind's queue, budget and Baidu API.
/// </summary>
public sealed class VerificationDrain(
    JobTransitions transitions,
    JobRecords records,
    IJobApi api,
    BudgetLedger ledger,
    CallSlots slots,
    PacingMargin margin,
    BaiduConnections connections,
    QpsRefusalMonitor refusals,
    ShimingMetrics metrics,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<VerificationDrain> logger)
{
    // Jobs are taken this far ahead of their start times: enough to keep the budget busy, little enough
    // that a taken job starts long before its lease runs out.
    private static readonly TimeSpan LookAhead = TimeSpan.FromSeconds(2);

    // How often a run whose line looks empty looks again while its calls are out: often enough that a job arriving
    // then waits a fraction of a second, seldom enough that a 50-QPS kind does not read its queues 50 times a second.
    private static readonly TimeSpan EmptyLinePoll = TimeSpan.FromMilliseconds(100);

    private static readonly JsonSerializerOptions OutputJson = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    private int _waiting;

    private int BatchSize => Math.Clamp((int)Math.Ceiling(LookAhead.TotalSeconds * ledger.QpsLimit), 1, 32);

    /// <summary>
    /// One run. When the worker is asked to stop (<paramref name="cancellationToken"/>, or the host shutting the
    /// worker down), the run takes no more jobs, gives back at once every job it took whose call has not started,
    /// and lets the calls in flight finish and be recorded: no job waits out its lease after a graceful stop.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await ledger.GetPauseAsync(cancellationToken) is { } pause)
        {
            Log.DrainPaused(logger, pause.Until, pause.Reason);
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var deadline = time.GetUtcNow() + options.Value.DrainDuration;
        var running = new List<Task<JobOutcome>>();
        var outcomes = new List<JobOutcome>();
        while (time.GetUtcNow() < deadline && !stopping.IsCancellationRequested)
        {
            // Back-pressure: take more only when the jobs already taken have started their calls.
            if (Volatile.Read(ref _waiting) >= BatchSize)
            {
                try
                {
                    await Task.Delay(ledger.Interval, time, stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            // Not cancelled half-way: whatever is taken is either processed or given back.
            var messages = await transitions.TakeAsync(BatchSize - Volatile.Read(ref _waiting), options.Value.ProcessingLease, CancellationToken.None);
            if (messages.Count == 0)
            {
                // The line looks empty. While calls are still out the run keeps looking: a job that arrives now, or
                // one of those calls given back (error 18, a retry), starts on the budget's next start time instead
                // of waiting for the next run, which begins only once this one has ended.
                if (running.TrueForAll(task => task.IsCompleted))
                {
                    break;
                }

                await Task.WhenAny(Task.WhenAll(running), Task.Delay(EmptyLinePoll, time, stopping.Token));
                continue;
            }

            foreach (var message in messages)
            {
                Interlocked.Increment(ref _waiting);
                running.Add(ProcessAsync(message, stopping.Token));
            }

            // Jobs done with leave the list, so a long run holds only the ones in flight.
            var done = running.Where(task => task.IsCompletedSuccessfully).ToList();
            outcomes.AddRange(done.Select(task => task.Result));
            running.RemoveAll(done.Contains);
        }

        outcomes.AddRange(await Task.WhenAll(running));
        var finished = outcomes.Count(o => o == JobOutcome.Finished);
        var returned = outcomes.Count(o => o == JobOutcome.Returned);
        Log.Drained(logger, outcomes.Count == 0 ? LogLevel.Debug : LogLevel.Information, outcomes.Count, finished, returned);
    }

    /// <param name="stopping">Signalled when the worker stops: a job whose call has not started goes back at once.</param>
    private async Task<JobOutcome> ProcessAsync(QueueMessage message, CancellationToken stopping)
    {
        var waiting = true;
        void StopWaiting()
        {
            if (waiting)
            {
                waiting = false;
                Interlocked.Decrement(ref _waiting);
            }
        }

        try
        {
            return await ProcessAsync(message, StopWaiting, stopping);
        }
        finally
        {
            StopWaiting();
        }
    }

    private async Task<JobOutcome> ProcessAsync(QueueMessage message, Action started, CancellationToken stopping)
    {
        // Storage and Baidu calls are not cancelled by a stop (each has its own timeouts): a stop only keeps calls from starting.
        var cancellationToken = CancellationToken.None;
        // The connections this call will need are opened while the job is read, long before its start time.
        var warming = connections.EnsureWarmAsync(cancellationToken);
        if (JobMessage.TryParse(message.Body.ToString()) is not { } pointer)
        {
            Log.UnreadableMessage(logger, message.MessageId);
            await transitions.CompleteMessageAsync(message, cancellationToken);
            return JobOutcome.Skipped;
        }

        var job = await records.FindAsync(pointer.Account, pointer.Id, cancellationToken);
        if (job is null || job.Status.IsTerminal())
        {
            // Purged, terminated, or finished by an earlier run that stopped before it could clean up.
            await transitions.DiscardAsync(pointer, job, message, cancellationToken);
            return JobOutcome.Skipped;
        }

        var image = await transitions.GetImageAsync(job.Id, cancellationToken);
        if (image is null)
        {
            return await FinishAsync(job, message, new RecognitionOutcome.Rejected(api.ImageMissing), cancellationToken);
        }

        // Everything is made ready first (the job marked running, the form, the token): once its start time
        // comes, the call starts at once.
        if (stopping.IsCancellationRequested)
        {
            Log.GivenBackOnStop(logger, job.Id);
            await transitions.ReleaseAsync(message, cancellationToken);
            return JobOutcome.Returned;
        }

        var running = await transitions.StartAsync(job, cancellationToken);
        if (running is null)
        {
            return JobOutcome.Skipped; // terminated or purged meanwhile: the next take sees its new state
        }

        try
        {
            using var call = await api.PrepareAsync(running, image.ToMemory(), cancellationToken);
            await warming;
            DateTimeOffset? reserved;
            try
            {
                // As many times as this run has jobs still to start: those being prepared find theirs waiting.
                reserved = await slots.WaitForSlotAsync(Math.Clamp(Volatile.Read(ref _waiting), 1, BatchSize), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                Log.GivenBackOnStop(logger, running.Id);
                return await ReturnAsync(running with { Attempts = running.Attempts - 1 }, message, TimeSpan.Zero, cancellationToken);
            }

            if (reserved is not { } slot)
            {
                var pause = await ledger.GetPauseAsync(cancellationToken);
                return await ReturnAsync(running with { Attempts = running.Attempts - 1 }, message, pause is null ? TimeSpan.Zero : pause.Until - time.GetUtcNow(), cancellationToken);
            }

            started();
            var startedAt = time.GetUtcNow();
            DateTimeOffset? departedAt = null;
            RecognitionOutcome outcome;
            try
            {
                using (BaiduDepartures.Watch(time, at =>
                {
                    departedAt = at;
                    slots.Departed(slot, at);
                }))
                {
                    outcome = await metrics.MeasureBaiduCallAsync(running.Kind.BudgetRow(), running.Id, pointer.TraceParent, () => call.SendAsync(cancellationToken), running.Kind.ToWireName());
                }
            }
            finally
            {
                Log.CallStarted(logger, running.Id, startedAt, slot, departedAt is { } at ? (at - startedAt).TotalMilliseconds : double.NaN);
            }

            refusals.Answered();
            return await FinishAsync(running, message, outcome, cancellationToken);
        }
        catch (BaiduApiException ex)
        {
            Log.BaiduError(logger, running.Id, ex.ErrorCode);
            return ex.ErrorCode switch
            {
                18 => await SlowDownAsync(running, message, cancellationToken),
                17 => await PauseAsync(running, message, new BudgetPause(NextBeijingMidnight(), $"Baidu's daily quota for {api.Description} is used up; recognition resumes at midnight Beijing time."), cancellationToken),
                19 => await PauseAsync(running, message, new BudgetPause(time.GetUtcNow().AddHours(1), $"Baidu's total quota for {api.Description} is used up; recognition resumes once the quota is renewed (checked every hour)."), cancellationToken),
                var code when api.InputError(code) is { } inputError => await FinishAsync(running, message, new RecognitionOutcome.Rejected(inputError), cancellationToken),
                _ => await RetryOrFailAsync(running, message, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or JsonException)
        {
            Log.TransportFault(logger, running.Id, ex.GetType().Name);
            return await RetryOrFailAsync(running, message, cancellationToken);
        }
    }

    /// <summary>
    /// Error 18: Baidu counted one call too many. Start nothing for a second and widen the pacing margin; the job goes
    /// back at once, not counted as an attempt.
    /// </summary>
    private async Task<JobOutcome> SlowDownAsync(VerificationJob job, QueueMessage message, CancellationToken cancellationToken)
    {
        refusals.Refused();
        margin.Refused();
        await slots.SlowDownAsync(TimeSpan.FromSeconds(1), cancellationToken); // here at once, then everywhere
        await ledger.SlowDownAsync(TimeSpan.FromSeconds(1), cancellationToken);
        return await ReturnAsync(job with { Attempts = job.Attempts - 1 }, message, TimeSpan.Zero, cancellationToken);
    }

    /// <summary>Quota errors (17, 19): no call starts until the quota is back; jobs wait, and say why.</summary>
    private async Task<JobOutcome> PauseAsync(VerificationJob job, QueueMessage message, BudgetPause pause, CancellationToken cancellationToken)
    {
        Log.QuotaExhausted(logger, pause.Until, pause.Reason);
        await slots.PauseAsync(pause.Until, cancellationToken); // here at once, then everywhere
        await ledger.PauseAsync(pause, cancellationToken);
        return await ReturnAsync(job with { Attempts = job.Attempts - 1 }, message, pause.Until - time.GetUtcNow(), cancellationToken);
    }

    private async Task<JobOutcome> RetryOrFailAsync(VerificationJob job, QueueMessage message, CancellationToken cancellationToken)
    {
        if (job.Attempts >= options.Value.MaxAttempts)
        {
            var outcome = await FinishAsync(job, message, new RecognitionOutcome.Rejected(api.ProviderUnavailable), cancellationToken, poison: true);
            return outcome;
        }

        // Exponential backoff with full jitter: 1–2 s, 2–4 s, 4–8 s, … capped at a minute.
        var baseDelay = Math.Min(60, Math.Pow(2, job.Attempts - 1));
        var backoff = TimeSpan.FromSeconds(baseDelay * (1 + Random.Shared.NextDouble()));
        return await ReturnAsync(job, message, backoff, cancellationToken);
    }

    private async Task<JobOutcome> ReturnAsync(VerificationJob job, QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        await transitions.ReturnAsync(job, message, delay, cancellationToken);
        return JobOutcome.Returned;
    }

    private async Task<JobOutcome> FinishAsync(
        VerificationJob job, QueueMessage message, RecognitionOutcome outcome, CancellationToken cancellationToken, bool poison = false)
    {
        var finished = outcome switch
        {
            RecognitionOutcome.Recognized recognized => job with
            {
                Status = RuntimeStatus.Completed,
                OutputJson = JsonSerializer.Serialize(recognized.Output, recognized.Output.GetType(), OutputJson),
            },
            RecognitionOutcome.Rejected rejected => job with { Status = RuntimeStatus.Failed, Error = rejected.Error },
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        };

        if (!await transitions.FinishAsync(finished, message, poison, cancellationToken))
        {
            return JobOutcome.Skipped;
        }

        Log.JobFinished(logger, job.Id, finished.Status, finished.Error?.Code);
        metrics.JobFinished(finished.Status == RuntimeStatus.Completed ? "completed" : "failed", finished.Error?.Code, poison, job.Kind.ToWireName());
        return JobOutcome.Finished;
    }

    private DateTimeOffset NextBeijingMidnight()
    {
        var beijing = time.GetUtcNow().ToOffset(BeijingOffset);
        return new DateTimeOffset(beijing.Date.AddDays(1), BeijingOffset).ToUniversalTime();
    }

    private enum JobOutcome
    {
        Finished,
        Returned,
        Skipped,
    }
}

/// <summary>
/// Notices when Baidu refuses every call with error 18 for over a minute: then the limit is not a burst
/// but the account (not yet verified, no free resources, another product bought), which needs a person.
/// </summary>
public sealed class QpsRefusalMonitor(TimeProvider time, ILogger<QpsRefusalMonitor> logger)
{
    private long _refusingSinceTicks;
    private long _lastAlertTicks;

    public void Answered() => Interlocked.Exchange(ref _refusingSinceTicks, 0);

    public void Refused()
    {
        var now = time.GetUtcNow().UtcTicks;
        Interlocked.CompareExchange(ref _refusingSinceTicks, now, 0);
        var since = Interlocked.Read(ref _refusingSinceTicks);
        if (now - since > TimeSpan.TicksPerMinute && now - Interlocked.Read(ref _lastAlertTicks) > TimeSpan.TicksPerMinute)
        {
            Interlocked.Exchange(ref _lastAlertTicks, now);
            Log.PersistentQpsRefusal(logger, new DateTimeOffset(since, TimeSpan.Zero).ToString("o", CultureInfo.InvariantCulture));
        }
    }
}
