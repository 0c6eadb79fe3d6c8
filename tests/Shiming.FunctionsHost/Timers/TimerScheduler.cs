using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.Timers;

/// <summary>
/// Runs one timer-triggered function on its NCRONTAB schedule while this host holds its listener lock
/// (<see cref="TimerListenerLock"/>: one host of an app at a time), and on demand, one run at a time.
/// </summary>
internal sealed class TimerScheduler(
    WorkerSupervisor supervisor,
    string functionName,
    TimerPlan plan,
    bool runOnStartup,
    TimerListenerLock listenerLock,
    TimeProvider time,
    ILogger logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private DateTime? _last;

    public string FunctionName => functionName;

    /// <summary>Runs the schedule whenever this host holds the listener lock, until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var held = await listenerLock.AcquireAsync(ct).ConfigureAwait(false);
                await RunScheduleAsync(held.Lost).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunScheduleAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var run = runOnStartup ? new TimerRun(now, IsPastDue: false) : new TimerRun(plan.NextAfter(now), IsPastDue: false);
        while (!ct.IsCancellationRequested)
        {
            var wait = run.Due - time.GetUtcNow().UtcDateTime;
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                }

                await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await InvokeAsync(run.IsPastDue, $"Timer fired at {time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)}", ct)
                        .ConfigureAwait(false);
                    _last = run.Due;
                }
                finally
                {
                    _oneAtATime.Release();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            run = plan.Next(run.Due, time.GetUtcNow().UtcDateTime);
        }
    }

    /// <summary>One run now, as the admin API starts one: after a run that is going has ended, never past due. The host
    /// builds the TimerInfo itself whatever input was given (the Timer extension's binding ignores a string).</summary>
    public async Task<Invocation> RunNowAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await InvokeAsync(isPastDue: false, "This function was programmatically called via the host APIs.", ct).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<Invocation> InvokeAsync(bool isPastDue, string reason, CancellationToken ct)
    {
        var worker = await supervisor.GetReadyAsync(ct).ConfigureAwait(false);
        var function = worker.Functions.First(f => f.Name == functionName);
        var now = time.GetUtcNow().UtcDateTime;
        var timerInfo = JsonSerializer.Serialize(new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = new { Last = _last ?? DateTime.MinValue, Next = plan.NextAfter(now), LastUpdated = now },
            IsPastDue = isPastDue,
        });
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.Id,
            TraceContext = new RpcTraceContext(),
        };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Json = timerInfo } });
        return await Invocation.RunAsync(worker, request, functionName, reason, logger, ct).ConfigureAwait(false);
    }
}
