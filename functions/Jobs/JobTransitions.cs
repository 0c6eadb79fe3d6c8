using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Shiming.Storage;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// A job's way through the drain, each step a conditional write of its record followed by what goes with it: taken
/// from the queue under a lease, started (<c>Running</c>, out of line), put back (<c>Pending</c>, at its old place,
/// seen again after a delay, through the returned queue that drains take from first), finished once (record, then line, image and message), or discarded when its message
/// comes back for a job already over. Terminating a waiting job is the one change a client asks for.
/// </summary>
public sealed class JobTransitions(JobStorage storage, JobRecords records, Backlog backlog, PoisonQueue poison, FollowUps followUps, ShimingMetrics metrics)
{
    /// <summary>A message stays invisible for at most seven days.</summary>
    private static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    // Which queue each message now taken came from, and its latest pop receipt, for the calls that renew, end or move it.
    private readonly TakenMessages _taken = new(storage.Jobs);

    /// <summary>
    /// Takes up to <paramref name="maxJobs"/> messages, each hidden from other drains for <paramref name="lease"/>: jobs
    /// given back first, which were in line before any job still in it, then the line.
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> TakeAsync(int maxJobs, TimeSpan lease, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var wanted = Math.Clamp(maxJobs, 1, 32);
        var taken = new List<QueueMessage>(wanted);
        foreach (var queue in new[] { storage.Returned, storage.Jobs })
        {
            foreach (var message in (await queue.ReceiveMessagesAsync(wanted - taken.Count, lease, cancellationToken)).Value)
            {
                _taken.Add(queue, message);
                taken.Add(message);
            }

            if (taken.Count == wanted)
            {
                break;
            }
        }

        return taken;
    }

    /// <summary>Keeps a taken message hidden for another <paramref name="lease"/> from now.</summary>
    public Task<LeaseRenewal> RenewAsync(QueueMessage message, TimeSpan lease, CancellationToken cancellationToken) =>
        _taken.RenewAsync(message, lease, cancellationToken);

    /// <summary>Deletes a taken message from its queue.</summary>
    private Task DeleteMessageAsync(QueueMessage message, CancellationToken cancellationToken) =>
        _taken.RemoveAsync(message, (queue, current) => queue.DeleteMessageAsync(current.MessageId, current.PopReceipt, cancellationToken), cancellationToken);

    /// <summary>
    /// Moves a taken message to the returned queue, seen again after <paramref name="delay"/>: written there first, then
    /// deleted here, so a crash between the two leaves the job twice in line (the copy taken second is let go: the job is
    /// over, or held through the other copy), never nowhere.
    /// </summary>
    private async Task MoveToReturnedAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var visibleIn = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxVisibilityTimeout ? MaxVisibilityTimeout : delay;
        await storage.Returned.SendMessageAsync(message.Body.ToString(), visibleIn, JobStorage.MessageTimeToLive, cancellationToken);
        await DeleteMessageAsync(message, cancellationToken);
    }

    public async Task<BinaryData?> GetImageAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.Images.GetBlobClient(id).DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes a message that points at nothing a drain can work on.</summary>
    public Task CompleteMessageAsync(QueueMessage message, CancellationToken cancellationToken) => DeleteMessageAsync(message, cancellationToken);

    /// <summary>
    /// The job's call is starting: it is <c>Running</c>, held through <paramref name="message"/>, and out of the line.
    /// Null when it changed meanwhile (terminated, purged, or taken through another message).
    /// </summary>
    public async Task<Job?> StartAsync(Job job, QueueMessage message, CancellationToken cancellationToken)
    {
        // Both at once: the call to Baidu waits for these, and its start time is already reserved.
        var running = records.TryUpdateAsync(
            job with { Status = RuntimeStatus.Running, Attempts = job.Attempts + 1, TakenBy = message.MessageId }, cancellationToken);
        await Task.WhenAll(running, backlog.RemoveAsync(job, cancellationToken));
        return await running;
    }

    /// <summary>
    /// Gives a taken job back before this take started it, visible at once and ahead of the line. A job still
    /// <c>Running</c> from an earlier take that died goes back <c>Pending</c>: its message moves to a copy with an id
    /// of its own, which must not find the job held through the message it replaces (<see cref="Job.IsHeldThroughAnother"/>).
    /// </summary>
    public Task ReleaseAsync(Job job, QueueMessage message, CancellationToken cancellationToken) =>
        job.Status == RuntimeStatus.Running
            ? ReturnAsync(job, message, TimeSpan.Zero, cancellationToken)
            : MoveToReturnedAsync(message, TimeSpan.Zero, cancellationToken);

    /// <summary>Puts a taken job back in line, <c>Pending</c> at its old place, seen again by a drain after <paramref name="delay"/>.</summary>
    public async Task ReturnAsync(Job job, QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (await records.TryUpdateAsync(job with { Status = RuntimeStatus.Pending }, cancellationToken) is not null)
        {
            await backlog.AddAsync(job, cancellationToken);
        }

        await MoveToReturnedAsync(message, delay, cancellationToken);
    }

    /// <summary>
    /// Writes the job's final state once, guarded by its ETag; then its place in line, its image and its message go
    /// (the message to the poison queue when <paramref name="toPoison"/>). False when the job changed meanwhile
    /// (terminated, purged, or finished by another drain), and then nothing else is touched. Done again after a
    /// storage fault, a write that went through finds itself in the record and the rest follows.
    /// </summary>
    public async Task<bool> FinishAsync(Job finished, QueueMessage message, bool toPoison, CancellationToken cancellationToken)
    {
        if ((await records.TryUpdateAsync(finished, cancellationToken) ?? await WrittenBeforeAsync(finished, cancellationToken)) is not { } written)
        {
            return false;
        }

        await followUps.CompleteParentAsync(written, cancellationToken);
        await ForgetAsync(written, message, toPoison, cancellationToken);
        return true;
    }

    /// <summary>The record, when it already holds <paramref name="finished"/>'s end: an earlier try wrote it and lost the answer.</summary>
    private async Task<Job?> WrittenBeforeAsync(Job finished, CancellationToken cancellationToken) =>
        await records.FindAsync(finished.AccountKey, finished.Id, cancellationToken) is { } found
        && found.Status == finished.Status && found.OutputJson == finished.OutputJson && found.Error?.Code == finished.Error?.Code
            ? found
            : null;

    /// <summary>
    /// Clears what is left of a job that is already over (terminated or purged, or finished by a run that stopped
    /// before it could clean up) when its message comes back: its place in line, its image and the message. A message
    /// for a job held through another (<see cref="Job.IsHeldThroughAnother"/>) goes alone.
    /// </summary>
    public async Task DiscardAsync(JobMessage pointer, Job? job, QueueMessage message, CancellationToken cancellationToken)
    {
        if (job is null)
        {
            await storage.Images.DeleteBlobIfExistsAsync(pointer.Id, cancellationToken: cancellationToken);
        }

        if (job is null || job.IsHeldThroughAnother(message.MessageId))
        {
            await CompleteMessageAsync(message, cancellationToken); // the holder finishes the job
            return;
        }

        await followUps.CompleteParentAsync(job, cancellationToken); // a follow-up whose end was written before a crash
        await ForgetAsync(job, message, toPoison: false, cancellationToken);
    }

    /// <summary>A job whose follow-up is accepted waits for it without its image or its message; its record stays <c>Running</c>.</summary>
    public Task HandOverAsync(Job parent, QueueMessage message, CancellationToken cancellationToken) =>
        ForgetAsync(parent, message, toPoison: false, cancellationToken);

    /// <summary>Stops a job that has not finished: it is never sent to Baidu afterwards, and its image goes at once.</summary>
    public async Task<TerminateOutcome> TerminateAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var job = await records.FindAsync(accountKey, id, cancellationToken);
            if (job is null)
            {
                return TerminateOutcome.NotFound;
            }

            if (job.Status.IsTerminal())
            {
                return TerminateOutcome.AlreadyFinished;
            }

            if (await records.TryUpdateAsync(job with { Status = RuntimeStatus.Terminated }, cancellationToken) is not null)
            {
                await backlog.RemoveAsync(job, cancellationToken);
                await storage.Images.DeleteBlobIfExistsAsync(id, cancellationToken: cancellationToken);
                await followUps.TerminateFollowUpAsync(job, cancellationToken); // it would be a call spent for nothing
                metrics.JobFinished(job.Kind.Name, "terminated");
                return TerminateOutcome.Terminated;
            }
        }

        throw new RequestFailedException(409, "The job kept changing while it was being terminated.");
    }

    private async Task ForgetAsync(Job job, QueueMessage message, bool toPoison, CancellationToken cancellationToken)
    {
        await backlog.RemoveAsync(job, cancellationToken);
        await storage.Images.DeleteBlobIfExistsAsync(job.Id, cancellationToken: cancellationToken);
        if (toPoison)
        {
            await _taken.RemoveAsync(message, (queue, current) => poison.MoveAsync(current, queue, cancellationToken), cancellationToken);
        }
        else
        {
            await CompleteMessageAsync(message, cancellationToken);
        }
    }
}

public enum TerminateOutcome
{
    Terminated,
    NotFound,
    AlreadyFinished,
}
