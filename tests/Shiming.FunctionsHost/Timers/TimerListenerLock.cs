using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Configuration;

namespace Shiming.FunctionsHost.Timers;

/// <summary>
/// The Timer extension's listener is a singleton (its <c>TimerListener</c> is <c>[Singleton(Mode = SingletonMode.Listener)]</c>):
/// of all the hosts with one host ID on one storage account, only the one holding the blob lease
/// <c>azure-webjobs-hosts/locks/{hostId}/Host.Functions.{name}.Listener</c> runs the schedule, so a timer function runs
/// on one instance at a time however far the app scales out. The lease lasts host.json's
/// <c>singleton.listenerLockPeriod</c> (60 s) and is renewed at half of it; a host without it tries again every
/// <c>singleton.listenerLockRecoveryPollingInterval</c> (1 min); a host that stops gives it up. Without a storage
/// connection the lock is held in memory, as the WebJobs SDK's <c>InMemorySingletonManager</c> does.
/// </summary>
/// <remarks>Written on <see cref="BlobLeaseClient"/>: no blob-lease lock package is served here (DistributedLock.Azure is
/// not), and the lock must be the WebJobs SDK's own (its blob, its periods) for a real host to share it.</remarks>
internal sealed class TimerListenerLock
{
    private const string Container = "azure-webjobs-hosts";

    private readonly BlobClient? _blob;
    private readonly SingletonSettings _settings;
    private readonly string _functionName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private TimerListenerLock(BlobClient? blob, SingletonSettings settings, string functionName, TimeProvider time, ILogger logger)
    {
        _blob = blob;
        _settings = settings;
        _functionName = functionName;
        _time = time;
        _logger = logger;
    }

    /// <param name="connectionString">The host's storage (<c>AzureWebJobsStorage</c>); null holds the lock in memory.</param>
    public static TimerListenerLock Create(string? connectionString, string hostId, string functionName, SingletonSettings settings, TimeProvider time, ILogger logger) =>
        new(
            connectionString is null ? null : new BlobContainerClient(connectionString, Container).GetBlobClient($"locks/{hostId}/Host.Functions.{functionName}.Listener"),
            settings,
            functionName,
            time,
            logger);

    /// <summary>
    /// Waits until this host holds the lock, and keeps it until the returned handle is disposed or the lease is lost
    /// (<see cref="Held.Lost"/>).
    /// </summary>
    public async Task<Held> AcquireAsync(CancellationToken ct)
    {
        if (_blob is not { } blob)
        {
            return new Held(null, null, ct);
        }

        var lease = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());
        var logged = false;
        while (true)
        {
            if (await TryAcquireAsync(blob, lease, ct).ConfigureAwait(false))
            {
                _logger.LogDebug("Listener lock acquired for '{Function}': its timer runs on this host", _functionName);
                return new Held(lease, this, ct);
            }

            if (!logged)
            {
                _logger.LogInformation(
                    "Unable to acquire the listener lock for '{Function}': another host holds it; trying again every {Interval}",
                    _functionName,
                    _settings.ListenerLockRecoveryPollingInterval);
                logged = true;
            }

            await Task.Delay(_settings.ListenerLockRecoveryPollingInterval, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> TryAcquireAsync(BlobClient blob, BlobLeaseClient lease, CancellationToken ct)
    {
        try
        {
            await AcquireOrCreateAsync(blob, lease, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false; // leased by another host
        }
        catch (RequestFailedException e)
        {
            // Storage away for now: the timer waits, as the host's does, and this host asks again at its next try.
            _logger.LogWarning("Could not ask for the listener lock for '{Function}' ({Status} {Code})", _functionName, e.Status, e.ErrorCode);
            return false;
        }
    }

    private async Task AcquireOrCreateAsync(BlobClient blob, BlobLeaseClient lease, CancellationToken ct)
    {
        try
        {
            await lease.AcquireAsync(_settings.ListenerLockPeriod, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The first host to ask creates the lock's blob (and its container), then asks again.
            await blob.GetParentBlobContainerClient().CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            try
            {
                await blob.UploadAsync(BinaryData.Empty, overwrite: false, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException created) when (created.Status is 409 or 412)
            {
                // Another host created it first.
            }

            await lease.AcquireAsync(_settings.ListenerLockPeriod, cancellationToken: ct).ConfigureAwait(false);
        }
    }

    /// <summary>The lock while this host holds it: renewed at half its period until disposed, then released.</summary>
    public sealed class Held : IAsyncDisposable
    {
        private readonly BlobLeaseClient? _lease;
        private readonly TimerListenerLock? _owner;
        private readonly CancellationTokenSource _lost;
        private readonly CancellationTokenSource _stopRenewing = new();
        private readonly Task _renewing;
        private bool _leaseLost;

        internal Held(BlobLeaseClient? lease, TimerListenerLock? owner, CancellationToken ct)
        {
            _lease = lease;
            _owner = owner;
            _lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _renewing = lease is null ? Task.CompletedTask : RenewAsync();
        }

        /// <summary>Signalled when the lease could not be renewed (or the host stops): the schedule must stop here.</summary>
        public CancellationToken Lost => _lost.Token;

        private async Task RenewAsync()
        {
            var owner = _owner!;
            try
            {
                while (true)
                {
                    await Task.Delay(owner._settings.ListenerLockPeriod / 2, owner._time, _stopRenewing.Token).ConfigureAwait(false);
                    await _lease!.RenewAsync(cancellationToken: _stopRenewing.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stopRenewing.IsCancellationRequested)
            {
            }
            catch (RequestFailedException e)
            {
                owner._logger.LogWarning("Listener lock for '{Function}' lost ({Status} {Code}): its timer stops on this host", owner._functionName, e.Status, e.ErrorCode);
                _leaseLost = true;
                await _lost.CancelAsync().ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stopRenewing.CancelAsync().ConfigureAwait(false);
            await _renewing.ConfigureAwait(false);
            if (_lease is not null && !_leaseLost)
            {
                try
                {
                    // Given up on a stop, so another host takes the timer at its next try, not when the lease runs out.
                    await _lease.ReleaseAsync().ConfigureAwait(false);
                }
                catch (RequestFailedException)
                {
                    // Gone already: the lease runs out by itself.
                }
            }

            _lost.Dispose();
            _stopRenewing.Dispose();
        }
    }
}
