using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost;

/// <summary>How one run on demand ended: the worker's answer, the failure it reported, and what it logged for it.</summary>
/// <param name="Exception">The exception of a failed run as the worker reported it; null when it succeeded, and when
/// the worker went away before answering (<paramref name="WorkerLost"/>). For tests only: the host never puts it in an
/// HTTP answer.</param>
/// <param name="Logs">The items the worker sent for this invocation before its answer.</param>
public sealed record FunctionRunResult(
    string FunctionName,
    string InvocationId,
    bool Succeeded,
    bool WorkerLost,
    WorkerLogException? Exception,
    IReadOnlyList<WorkerLogEntry> Logs)
{
    public string? ExceptionType => Exception?.Type;

    public string? ExceptionMessage => Exception?.Message;

    internal static FunctionRunResult From(Invocation invocation, IReadOnlyList<WorkerLogEntry> logs) =>
        new(invocation.FunctionName, invocation.InvocationId, invocation.Succeeded, invocation.Response is null, WorkerLogException.FailureOf(invocation.Response), logs);
}
