using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Shiming.Storage;

namespace Shiming.Jobs;

/// <summary>
/// <c>{queue}-poison</c>: where a job's message goes when the job failed after every attempt, and where a message that
/// cannot even be decoded (not Base64) goes at once, as the Functions queue trigger does with one. A person looks at
/// them; nothing reads them back.
/// </summary>
public sealed class PoisonQueue(JobStorage storage, ILogger<PoisonQueue> logger) : IQueueDecodingFailureHandler
{
    /// <summary>Moves a message taken from <paramref name="from"/> (the job queue or the returned one) to the poison queue, unchanged.</summary>
    public async Task MoveAsync(QueueMessage message, QueueClient from, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await storage.Poison.SendMessageAsync(
            message.Body.ToString(), visibilityTimeout: null, timeToLive: JobStorage.MessageTimeToLive, cancellationToken);
        await from.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    /// <summary>
    /// For the SDK's <c>MessageDecodingFailed</c> event: the message is left out of what the drain receives, so it is
    /// moved aside here rather than coming back after every lease. Its text as stored goes along, Base64 like any other.
    /// </summary>
    public async Task HandleAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message || (args.Queue.Name != storage.Jobs.Name && args.Queue.Name != storage.Returned.Name))
        {
            return; // a peek, or another queue: nothing was taken
        }

        Log.UndecodableMessage(logger, message.MessageId);
        await MoveAsync(message, args.Queue, args.CancellationToken);
    }
}
