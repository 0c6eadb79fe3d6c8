using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Azure.WebJobs;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.JobHost;

/// <summary>
/// Stands in for the host's <c>WorkerFunctionInvoker</c> (with <c>RpcFunctionInvocationDispatcher</c> and
/// <c>GrpcWorkerChannel</c> behind it): the bodies of the generated <c>Host.Functions</c> methods call it with the
/// trigger value the WebJobs SDK bound, and it sends the worker an InvocationRequest with the SDK's invocation id and
/// waits for its answer. A failure the worker reports is thrown, so the SDK logs it, and the queue extension retries
/// and poisons, as for any failed function.
/// </summary>
/// <remarks>Public only because the emitted methods call it from their own assembly.</remarks>
public sealed class WorkerFunctionInvoker
{
    private static readonly AsyncLocal<StrongBox<Invocation?>?> Captured = new();

    private readonly WorkerSupervisor _supervisor;

    internal WorkerFunctionInvoker(WorkerSupervisor supervisor) => _supervisor = supervisor;

    /// <summary>Called by the generated methods.</summary>
    public async Task InvokeAsync(string functionName, object trigger, Microsoft.Azure.WebJobs.ExecutionContext context, CancellationToken ct)
    {
        var worker = await _supervisor.GetReadyAsync(ct).ConfigureAwait(false);
        var function = worker.Functions.First(f => string.Equals(f.Name, functionName, StringComparison.Ordinal));
        var request = new InvocationRequest
        {
            InvocationId = context.InvocationId.ToString(),
            FunctionId = function.Id,
            TraceContext = new RpcTraceContext(),
        };
        switch (trigger)
        {
            case TimerInfo timer:
                request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Json = TimerJson(timer) } });
                break;
            case QueueMessage message:
                AddQueueMessage(request, function, message);
                break;
        }

        InvocationResponse? response = null;
        try
        {
            response = await worker.Channel.InvokeAsync(request, functionName, ct).ConfigureAwait(false);
        }
        finally
        {
            if (Captured.Value is { } box)
            {
                box.Value = new Invocation(functionName, request.InvocationId, response);
            }
        }

        if (response.Result.Status != StatusResult.Types.Status.Success)
        {
            throw new WorkerFunctionException(WorkerLogException.FailureOf(response) is { } failure
                ? $"Result: Failure{Environment.NewLine}Exception: {failure}"
                : "Result: Failure");
        }
    }

    /// <summary>Runs <paramref name="call"/> and returns the invocation the worker was sent within it, if any.</summary>
    internal static async Task<Invocation?> CaptureAsync(Func<Task> call)
    {
        var box = new StrongBox<Invocation?>();
        Captured.Value = box;
        try
        {
            await call().ConfigureAwait(false);
        }
        finally
        {
            Captured.Value = null;
        }

        return box.Value;
    }

    // The worker's TimerInfo: the schedule status the Timer extension keeps, and IsPastDue as it set it.
    private static string TimerJson(TimerInfo timer) => JsonSerializer.Serialize(new
    {
        Schedule = new { AdjustForDST = true },
        ScheduleStatus = timer.ScheduleStatus is { } status
            ? new { status.Last, status.Next, status.LastUpdated }
            : null,
        timer.IsPastDue,
    });

    private static void AddQueueMessage(InvocationRequest request, FunctionDescription function, QueueMessage message)
    {
        var text = message.Body?.ToString() ?? "";
        var data = string.Equals(function.TriggerProperty("dataType"), "Binary", StringComparison.OrdinalIgnoreCase)
            ? new TypedData { Bytes = Google.Protobuf.ByteString.CopyFrom(message.Body?.ToArray() ?? []) }
            : new TypedData { String = text };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = data });
        request.TriggerMetadata["QueueTrigger"] = new TypedData { String = text };
        request.TriggerMetadata["Id"] = new TypedData { String = message.MessageId ?? "" };
        request.TriggerMetadata["PopReceipt"] = new TypedData { String = message.PopReceipt ?? "" };

        // The host sends numbers in trigger metadata as JSON; the worker does not take TypedData.Int there.
        request.TriggerMetadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        request.TriggerMetadata["InsertionTime"] = Time(message.InsertedOn);
        request.TriggerMetadata["ExpirationTime"] = Time(message.ExpiresOn);
        request.TriggerMetadata["NextVisibleTime"] = Time(message.NextVisibleOn);
    }

    private static TypedData Time(DateTimeOffset? time) =>
        new() { Json = JsonSerializer.Serialize(time?.ToString("O", CultureInfo.InvariantCulture)) };

    private sealed class StrongBox<T>
    {
        public T? Value { get; set; }
    }
}

/// <summary>A function that failed in the worker: the message holds what the worker reported, as the host's does.</summary>
public sealed class WorkerFunctionException(string message) : Exception(message);
