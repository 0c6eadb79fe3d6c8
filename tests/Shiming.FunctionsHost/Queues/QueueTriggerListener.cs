using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Configuration;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.Queues;

/// <summary>Polls one queue for one queue-triggered function the way the Storage Queues extension does: batches of
/// <c>batchSize</c>, a new batch once no more than <c>newBatchThreshold</c> are running, randomised exponential
/// back-off up to <c>maxPollingInterval</c> while the queue is empty, delete on success, visible again after
/// <c>visibilityTimeout</c> on failure, and to <c>&lt;queue&gt;-poison</c> once dequeued <c>maxDequeueCount</c> times.</summary>
internal sealed class QueueTriggerListener(
    WorkerSupervisor supervisor,
    string functionName,
    string connectionString,
    string queueName,
    QueueSettings settings,
    QueueClientOptions.ServiceVersion? serviceVersion,
    ILogger logger)
{
    // The extension's shortest poll and the lease it takes a message for.
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    public string FunctionName => functionName;

    public async Task RunAsync(CancellationToken ct)
    {
        var options = serviceVersion is { } version ? new QueueClientOptions(version) : new QueueClientOptions();
        options.MessageEncoding = settings.MessageEncoding == Configuration.QueueMessageEncoding.Base64
            ? Azure.Storage.Queues.QueueMessageEncoding.Base64
            : Azure.Storage.Queues.QueueMessageEncoding.None;
        var queue = new QueueClient(connectionString, queueName, options);
        var poison = new QueueClient(connectionString, $"{queueName}-poison", options);
        var running = new List<Task>();
        var delay = MinimumPollingInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                running.RemoveAll(t => t.IsCompleted);
                if (running.Count > settings.NewBatchThreshold)
                {
                    await Task.WhenAny(running).WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }

                QueueMessage[] messages;
                try
                {
                    messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, Lease, ct).ConfigureAwait(false)).Value;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    messages = [];
                }

                if (messages.Length > 0)
                {
                    delay = MinimumPollingInterval;
                    running.AddRange(messages.Select(m => Task.Run(() => ProcessAsync(queue, poison, m, ct), CancellationToken.None)));
                    continue;
                }

                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = NextDelay(delay, settings.MaxPollingInterval);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException e)
            {
                logger.LogWarning(e, "Polling queue {Queue} failed", queueName);
                try
                {
                    await Task.Delay(settings.MaxPollingInterval, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>The extension's randomised exponential back-off: roughly doubling, never above the maximum.</summary>
    internal static TimeSpan NextDelay(TimeSpan current, TimeSpan maximum)
    {
        var doubled = current.TotalMilliseconds * (1.6 + (Random.Shared.NextDouble() * 0.8));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, maximum.TotalMilliseconds));
    }

    /// <summary>One run now with <paramref name="input"/> as the message, as the admin API starts one: the message was
    /// never in the queue, so nothing is deleted or moved afterwards.</summary>
    public async Task<Invocation> RunNowAsync(string? input, CancellationToken ct)
    {
        var worker = await supervisor.GetReadyAsync(ct).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var message = QueuesModelFactory.QueueMessage(
            Guid.NewGuid().ToString(), popReceipt: "", body: BinaryData.FromString(input ?? ""), dequeueCount: 0,
            nextVisibleOn: now, insertedOn: now, expiresOn: now.AddDays(7));
        return await Invocation.RunAsync(
            worker,
            Request(worker, message),
            functionName,
            "This function was programmatically called via the host APIs.",
            logger,
            ct).ConfigureAwait(false);
    }

    private InvocationRequest Request(ReadyWorker worker, QueueMessage message)
    {
        var function = worker.Functions.First(f => f.Name == functionName);
        var text = message.Body.ToString();
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.Id,
            TraceContext = new RpcTraceContext(),
        };
        var data = string.Equals(function.TriggerProperty("dataType"), "Binary", StringComparison.OrdinalIgnoreCase)
            ? new TypedData { Bytes = Google.Protobuf.ByteString.CopyFrom(message.Body.ToArray()) }
            : new TypedData { String = text };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = data });
        request.TriggerMetadata["QueueTrigger"] = new TypedData { String = text };
        request.TriggerMetadata["Id"] = new TypedData { String = message.MessageId };
        request.TriggerMetadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        // The host sends numbers in trigger metadata as JSON; the worker does not take TypedData.Int there.
        request.TriggerMetadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        request.TriggerMetadata["InsertionTime"] = Time(message.InsertedOn);
        request.TriggerMetadata["ExpirationTime"] = Time(message.ExpiresOn);
        request.TriggerMetadata["NextVisibleTime"] = Time(message.NextVisibleOn);
        return request;
    }

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        var succeeded = false;
        try
        {
            var worker = await supervisor.GetReadyAsync(ct).ConfigureAwait(false);
            var invocation = await Invocation.RunAsync(
                worker,
                Request(worker, message),
                functionName,
                $"New queue message detected on '{queueName}'.",
                logger,
                ct).ConfigureAwait(false);
            succeeded = invocation.Succeeded;
        }
        catch (OperationCanceledException)
        {
            // Counted as a failure below: the message becomes visible again, as after a failed run.
        }

        try
        {
            if (succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
            }
            else if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                logger.LogWarning(
                    "Message {MessageId} has reached MaxDequeueCount of {Max}; moving it to queue '{Poison}'",
                    message.MessageId,
                    settings.MaxDequeueCount,
                    poison.Name);
                await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None)
                    .ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning(e, "Settling message {MessageId} on queue {Queue} failed", message.MessageId, queueName);
        }
    }

    private static TypedData Time(DateTimeOffset? time) =>
        new() { Json = JsonSerializer.Serialize(time?.ToString("O", CultureInfo.InvariantCulture)) };
}
