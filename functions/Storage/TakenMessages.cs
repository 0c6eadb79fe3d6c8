using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Shiming.Storage;

/// <summary>
/// The queue messages this process holds: which queue each came from and its latest pop receipt. A message's lease is
/// renewed while its job is worked on, and each renewal gives it a new pop receipt that the later delete or move must
/// use; a renewal and the message's removal never overlap, so neither uses a receipt the other has just replaced.
/// </summary>
public sealed class TakenMessages(QueueClient fallback)
{
    // An entry goes when its message leaves its queue (one taken and left to its lease stays until the next take replaces it).
    private readonly ConcurrentDictionary<string, Taken> _taken = new(StringComparer.Ordinal);

    public void Add(QueueClient queue, QueueMessage message) => _taken[message.MessageId] = new Taken(queue, message);

    /// <summary>
    /// Hides the message for another <paramref name="lease"/> from now, unless it was removed here meanwhile or is no
    /// longer this process's (its receipt no longer valid: its lease ran out and another drain took it).
    /// </summary>
    public async Task<LeaseRenewal> RenewAsync(QueueMessage message, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (!_taken.TryGetValue(message.MessageId, out var taken))
        {
            return LeaseRenewal.Released;
        }

        await taken.Gate.WaitAsync(cancellationToken);
        try
        {
            if (taken.Gone)
            {
                return LeaseRenewal.Released;
            }

            var receipt = await taken.Queue.UpdateMessageAsync(taken.Message.MessageId, taken.Message.PopReceipt, visibilityTimeout: lease, cancellationToken: cancellationToken);
            taken.Message = taken.Message.Update(receipt.Value);
            return LeaseRenewal.Renewed;
        }
        catch (RequestFailedException ex) when (NoLongerOurs(ex))
        {
            taken.Gone = true; // deleted elsewhere, or taken by another drain: ours no more
            _taken.TryRemove(new KeyValuePair<string, Taken>(message.MessageId, taken));
            return LeaseRenewal.Lost;
        }
        finally
        {
            taken.Gate.Release();
        }
    }

    /// <summary>
    /// Removes the message from its queue by <paramref name="remove"/>, given the queue and the message with its latest
    /// pop receipt, with no renewal under way; it is forgotten here once removed. A message that is no longer this
    /// process's (gone, or taken by another drain once its lease ran out) is left to whoever has it, as the Functions
    /// host's queue listener leaves it: the job's record says what was done.
    /// </summary>
    public async Task RemoveAsync(QueueMessage message, Func<QueueClient, QueueMessage, Task> remove, CancellationToken cancellationToken)
    {
        if (!_taken.TryGetValue(message.MessageId, out var taken))
        {
            await RemoveIfOursAsync(remove, fallback, message);
            return;
        }

        await taken.Gate.WaitAsync(cancellationToken);
        try
        {
            await RemoveIfOursAsync(remove, taken.Queue, taken.Message);
            taken.Gone = true;
            _taken.TryRemove(new KeyValuePair<string, Taken>(message.MessageId, taken));
        }
        finally
        {
            taken.Gate.Release();
        }
    }

    private static async Task RemoveIfOursAsync(Func<QueueClient, QueueMessage, Task> remove, QueueClient queue, QueueMessage message)
    {
        try
        {
            await remove(queue, message);
        }
        catch (RequestFailedException ex) when (NoLongerOurs(ex))
        {
            // Deleted already, or another drain holds it now.
        }
    }

    /// <summary>The message or its queue is gone (404), or its pop receipt is not the latest (400 PopReceiptMismatch).</summary>
    private static bool NoLongerOurs(RequestFailedException ex) =>
        ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch");

    private sealed class Taken(QueueClient queue, QueueMessage message)
    {
        public QueueClient Queue { get; } = queue;

        public QueueMessage Message { get; set; } = message;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public bool Gone { get; set; }
    }
}

/// <summary>What became of a lease renewal.</summary>
public enum LeaseRenewal
{
    Renewed,

    /// <summary>The message left its queue here: nothing to renew.</summary>
    Released,

    /// <summary>The message is no longer this process's: its lease ran out and it was taken again, or it was deleted elsewhere.</summary>
    Lost,
}
