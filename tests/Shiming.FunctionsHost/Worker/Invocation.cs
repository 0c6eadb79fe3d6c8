using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.Worker;

/// <summary>One invocation of a non-HTTP function and how it ended: the worker's answer, or none when the worker went
/// away before it gave one.</summary>
internal sealed record Invocation(string FunctionName, string InvocationId, InvocationResponse? Response)
{
    // The Functions host's event ids for an invocation that ended: 2 succeeded, 3 failed (at Error).
    internal static readonly EventId Executed = new(2, "FunctionCompleted");
    internal static readonly EventId ExecutedWithFailure = new(3, "FunctionCompleted");

    public bool Succeeded => Response?.Result.Status == StatusResult.Types.Status.Success;

    /// <summary>The worker's exception on the lines after a failed invocation's line; nothing when it sent none.</summary>
    internal static string FailureText(InvocationResponse? response) =>
        WorkerLogException.FailureOf(response) is { } failure ? Environment.NewLine + failure : "";

    /// <summary>Sends the request and waits for its answer, with the host's Executing / Executed lines around it.</summary>
    public static async Task<Invocation> RunAsync(
        ReadyWorker worker,
        InvocationRequest request,
        string functionName,
        string reason,
        ILogger logger,
        CancellationToken ct)
    {
        logger.LogInformation(
            "Executing 'Functions.{Function}' (Reason='{Reason}', Id={InvocationId})",
            functionName,
            reason,
            request.InvocationId);
        InvocationResponse? response = null;
        try
        {
            response = await worker.Channel.InvokeAsync(request, functionName, ct).ConfigureAwait(false);
        }
        catch (WorkerUnavailableException)
        {
            logger.LogWarning("The worker went away during 'Functions.{Function}' ({InvocationId})", functionName, request.InvocationId);
        }

        var invocation = new Invocation(functionName, request.InvocationId, response);
        if (invocation.Succeeded)
        {
            logger.LogInformation(Executed, "Executed 'Functions.{Function}' (Succeeded, Id={InvocationId})", functionName, request.InvocationId);
        }
        else
        {
            // As the Functions host does: a failed invocation is an error, logged with the exception the worker reported.
            logger.LogError(
                ExecutedWithFailure,
                "Executed 'Functions.{Function}' (Failed, Id={InvocationId}){Failure}",
                functionName,
                request.InvocationId,
                FailureText(response));
        }

        return invocation;
    }
}
