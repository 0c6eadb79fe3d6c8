using Azure.Storage.Queues.Models;
using Shiming.Storage;

namespace Shiming.Jobs;

/// <summary>
/// Keeps one taken job's message hidden from other drains while this drain works on it, as the Functions host's queue
/// listener keeps a message it is processing: the lease is renewed every third of its length, so one renewal lost to
/// a storage blip still leaves another before it runs out. A job whose process dies is back in line within one lease.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LeaseKeeper(JobTransitions transitions, QueueMessage message, TimeSpan lease, TimeProvider time, ILogger logger) =>
        _loop = KeepAsync(transitions, message, lease, time, logger, _stop.Token);

    /// <summary>Starts renewing <paramref name="message"/>'s lease of <paramref name="lease"/> until disposed.</summary>
    public static LeaseKeeper Start(JobTransitions transitions, QueueMessage message, TimeSpan lease, TimeProvider time, ILogger logger) =>
        new(transitions, message, lease, time, logger);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static async Task KeepAsync(JobTransitions transitions, QueueMessage message, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        var every = lease / 3;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(every, time, stop);
            try
            {
                // A renewal that cannot finish before the next is due is given up: the next one tries again.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(every);
                switch (await transitions.RenewAsync(message, lease, timeout.Token))
                {
                    case LeaseRenewal.Released:
                        return;
                    case LeaseRenewal.Lost:
                        Log.LeaseLost(logger, message.MessageId);
                        return;
                }
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                Log.LeaseNotRenewed(logger, message.MessageId, ex.GetType().Name);
            }
        }
    }
}
