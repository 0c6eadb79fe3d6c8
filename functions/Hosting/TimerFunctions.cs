namespace Shiming.Hosting;

/// <summary>One run of a timer function, whoever triggered it (the Functions host or the in-process scheduler).</summary>
public sealed record TimerInvocation(string FunctionName, bool IsPastDue, DateTimeOffset TriggeredAt, string? InvocationId)
{
    /// <summary>The name of the timer binding in every generated <c>function.json</c>.</summary>
    public const string BindingName = "timer";
}

/// <summary>What a timer run reports back: lines for the invocation log.</summary>
public sealed record TimerFunctionResult(IReadOnlyList<string> Logs)
{
    public static TimerFunctionResult Empty { get; } = new([]);
}

/// <summary>The body of a timer function.</summary>
public interface ITimerFunction
{
    Task<TimerFunctionResult> RunAsync(TimerInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>
/// Runs timer functions one invocation at a time per function, as the Functions host guarantees
/// across instances, so that the in-process scheduler and the host behave alike.
/// </summary>
public sealed class TimerFunctionRunner(IServiceScopeFactory scopes, ILogger<TimerFunctionRunner> logger)
{
    private readonly Dictionary<string, SemaphoreSlim> _gates =
        ShimingFunctions.Timers.ToDictionary(t => t.Name, _ => new SemaphoreSlim(1, 1), StringComparer.Ordinal);

    public async Task<TimerFunctionResult> RunAsync(TimerFunctionDefinition function, TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var gate = _gates[function.Name];
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var implementation = (ITimerFunction)scope.ServiceProvider.GetRequiredService(function.Implementation);
            return await implementation.RunAsync(invocation, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.TimerFunctionFailed(logger, ex, function.Name);
            throw;
        }
        finally
        {
            gate.Release();
        }
    }
}
