using System.Collections.Concurrent;
using System.Diagnostics;

namespace Shiming.Benchmark;

/// <summary>
/// The CPU time (user + system, as the kernel counts it) used by the apps' workers: every process each host emulator
/// started. Sampled every quarter second as well as when asked, so that a worker that exits (a graceful stop) still
/// counts up to its last sample.
/// </summary>
internal sealed class WorkerCpu : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly AppInstances _apps;
    private readonly ConcurrentDictionary<int, TimeSpan> _byProcess = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public WorkerCpu(AppInstances apps)
    {
        _apps = apps;
        _sampling = SampleAsync(_stop.Token);
    }

    /// <summary>What every worker has used so far, all instances together.</summary>
    public TimeSpan Total()
    {
        Sample();
        return _byProcess.Values.Aggregate(TimeSpan.Zero, (sum, cpu) => sum + cpu);
    }

    private async Task SampleAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private void Sample()
    {
        foreach (var id in _apps.All.SelectMany(app => app.ChildProcessIds()))
        {
            try
            {
                using var worker = Process.GetProcessById(id);
                var cpu = worker.TotalProcessorTime;
                _byProcess.AddOrUpdate(id, cpu, (_, earlier) => cpu > earlier ? cpu : earlier);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // It exited since it was listed; its last sample stands.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
