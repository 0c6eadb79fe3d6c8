using Cronos;

namespace Shiming.Hosting;

/// <summary>
/// Standalone stand-in for the Functions timer listener: runs each timer function on its schedule,
/// never overlapping itself; ticks missed while a run is still going collapse into one, as under the host.
/// </summary>
public sealed class InProcessTimerScheduler(
    TimerFunctionRunner runner,
    TimeProvider time,
    ILogger<InProcessTimerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ShimingFunctions.Timers.Select(timer => RunScheduleAsync(timer, stoppingToken)));

    private async Task RunScheduleAsync(TimerFunctionDefinition function, CancellationToken stoppingToken)
    {
        var schedule = CronExpression.Parse(function.Schedule, CronFormat.IncludeSeconds);
        Log.TimerScheduled(logger, function.Name, function.Schedule);
        var next = schedule.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc);
        while (!stoppingToken.IsCancellationRequested && next is { } due)
        {
            var delay = due - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var now = time.GetUtcNow();
            var invocation = new TimerInvocation(function.Name, IsPastDue: now - due > TimeSpan.FromSeconds(1), now, InvocationId: null);
            try
            {
                await runner.RunAsync(function, invocation, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Logged by the runner; like the host, wait for the next occurrence instead of retrying.
            }

            next = schedule.GetNextOccurrence(time.GetUtcNow(), TimeZoneInfo.Utc);
        }
    }
}
