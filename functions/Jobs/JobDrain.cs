using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Budget;
using Shiming.Storage;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// One run of a kind's drain timer. While its line has jobs (and for at most <c>Verifications__DrainDuration</c>) it
/// takes queued jobs a couple of seconds ahead of the budget, prepares each, waits for a start time from the kind's
/// budget and calls Baidu; calls overlap, so throughput stays at the budget however long Baidu takes to answer. What
/// each call's outcome means is <see cref="CallOutcomes"/>'s.
/// </summary>
public sealed class JobDrain(
    JobLine line,
    CallOutcomes outcomes,
    JobResults results,
    FollowUps followUps,
    BaiduConnections connections,
    TimedCalls sender,
    StorageAvailability storage,
    IOptions<JobOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<JobDrain> logger)
{
    // Taken this far ahead of their start times: enough to keep the budget busy, and each starts long before its lease ends.
    private static readonly TimeSpan LookAhead = TimeSpan.FromSeconds(2);

    // How often a run whose line looks empty looks again while its calls are out: a job arriving then waits a
    // fraction of a second, and a 50-QPS kind does not read its queues 50 times a second.
    private static readonly TimeSpan EmptyLinePoll = TimeSpan.FromMilliseconds(100);

    private int _waiting;

    private int BatchSize => Math.Clamp((int)Math.Ceiling(LookAhead.TotalSeconds * line.Budget.QpsLimit), 1, 32);

    /// <summary>
    /// One run. When the worker is asked to stop (<paramref name="cancellationToken"/>, or the host shutting the
    /// worker down), the run takes no more jobs, gives back at once every job it took whose call has not started,
    /// and lets the calls in flight finish and be recorded: no job waits out its lease after a graceful stop.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Storage away: said once (StorageAvailability), and the next tick looks again.
        var (reachable, pause) = await storage.WhileReachableAsync(async () => (true, await line.Budget.GetPauseAsync(cancellationToken)), (false, null));
        if (!reachable || pause is not null)
        {
            if (pause is not null)
            {
                Log.DrainPaused(logger, pause.Until, pause.Reason);
            }

            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var deadline = time.GetUtcNow() + options.Value.DrainDuration;
        var running = new List<Task<JobOutcome>>();
        var ended = new List<JobOutcome>();
        while (time.GetUtcNow() < deadline && !stopping.IsCancellationRequested)
        {
            // Back-pressure: take more only when the jobs already taken have started their calls.
            if (Volatile.Read(ref _waiting) >= BatchSize)
            {
                await Task.Delay(line.Budget.Interval, time, stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            // Not cancelled half-way: whatever is taken is either processed or given back.
            // None while storage is away, so that the calls already out are still waited for and recorded.
            var messages = await storage.WhileReachableAsync(
                () => line.Transitions.TakeAsync(BatchSize - Volatile.Read(ref _waiting), options.Value.ProcessingLease, CancellationToken.None), []);
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
            ended.AddRange(done.Select(task => task.Result));
            running.RemoveAll(done.Contains);
        }

        ended.AddRange(await Task.WhenAll(running));
        Log.Drained(logger, ended.Count == 0 ? LogLevel.Debug : LogLevel.Information, ended.Count, ended.Count(o => o == JobOutcome.Finished), ended.Count(o => o == JobOutcome.Returned));
    }

    /// <param name="stopping">Signalled when the worker stops: a job whose call has not started goes back at once.</param>
    private async Task<JobOutcome> ProcessAsync(QueueMessage message, CancellationToken stopping)
    {
        var waiting = 1;
        void StopWaiting()
        {
            if (Interlocked.Exchange(ref waiting, 0) == 1)
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        try
        {
            // Renewed while the job is in this drain's hands, however long its call or its recording takes.
            await using var lease = LeaseKeeper.Start(line.Transitions, message, options.Value.ProcessingLease, time, logger);
            return await ProcessAsync(message, StopWaiting, stopping);
        }
        catch (Exception ex) when (storage.Failed(ex))
        {
            return JobOutcome.Left;
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
            await line.Transitions.CompleteMessageAsync(message, cancellationToken);
            return JobOutcome.Skipped;
        }

        var job = await line.Records.FindAsync(pointer.Account, pointer.Id, cancellationToken);
        if (job is null || job.Status.IsTerminal() || job.IsHeldThroughAnother(message.MessageId))
        {
            // Purged, terminated, finished by an earlier run that stopped before it could clean up, or held through
            // another message for the same job (a second delivery, a follow-up accepted again), which finishes it.
            await line.Transitions.DiscardAsync(pointer, job, message, cancellationToken);
            return JobOutcome.Skipped;
        }

        if (job.FollowUp is not null)
        {
            return await followUps.ResumeAsync(line, job, message, cancellationToken); // its call is done and recorded
        }

        // Running through this message already: nothing recorded of its earlier call (a crash, or storage lost for good).
        var repeat = job.Status == RuntimeStatus.Running;
        var image = job.InputJson is { } details ? BinaryData.FromString(details) : await line.Transitions.GetImageAsync(job.Id, cancellationToken);
        if (image is null)
        {
            return await results.FinishAsync(line, job, message, new RecognitionOutcome.Rejected(line.Api.Errors.ImageMissing), cancellationToken);
        }

        // Everything is made ready first (the job marked running, the form, the token): once its start time
        // comes, the call starts at once.
        if (stopping.IsCancellationRequested)
        {
            Log.GivenBackOnStop(logger, job.Id);
            await line.Transitions.ReleaseAsync(job, message, cancellationToken);
            return JobOutcome.Returned;
        }

        var running = await line.Transitions.StartAsync(job, message, cancellationToken);
        if (running is null)
        {
            return JobOutcome.Skipped; // terminated or purged meanwhile: the next take sees its new state
        }

        try
        {
            using var call = await line.Api.PrepareAsync(running, image.ToMemory(), cancellationToken);
            await warming;
            DateTimeOffset? reserved;
            try
            {
                // As many times as this run has jobs still to start: those being prepared find theirs waiting.
                reserved = await line.Budget.WaitForStartAsync(Math.Clamp(Volatile.Read(ref _waiting), 1, BatchSize), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                Log.GivenBackOnStop(logger, running.Id);
                return await outcomes.GiveBackAsync(line, running, message, cancellationToken);
            }

            if (reserved is not { } start)
            {
                return await outcomes.GiveBackAsync(line, running, message, cancellationToken, afterPause: true);
            }

            started();
            var outcome = await sender.SendAsync(line, running, pointer.TraceParent, call, start, repeat);
            line.Budget.Answered();
            return await results.FinishAsync(line, running, message, outcome, cancellationToken);
        }
        catch (Exception ex) when (ex is BaiduApiException || BaiduErrors.IsTransportFault(ex))
        {
            return await outcomes.FailedAsync(line, running, message, ex, cancellationToken);
        }
    }
}
