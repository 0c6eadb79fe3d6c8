using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.Worker;

/// <summary>One invocation of a non-HTTP function and how it ended: the worker's answer, or none when the worker went
/// away before it gave one.</summary>
internal sealed record Invocation(string FunctionName, string InvocationId, InvocationResponse? Response)
{
    public bool Succeeded => Response?.Result.Status == StatusResult.Types.Status.Success;

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
        logger.LogInformation(
            "Executed 'Functions.{Function}' ({Outcome}, Id={InvocationId})",
            functionName,
            invocation.Succeeded ? "Succeeded" : "Failed",
            request.InvocationId);
        return invocation;
    }
}
