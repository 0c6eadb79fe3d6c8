namespace Shiming.Storage;

/// <summary>
/// Whether storage answered the last time anyone here asked, so that an outage is logged once when it starts and once
/// when it ends, not as a stack trace every second from every drain and request.
/// </summary>
public sealed partial class StorageAvailability(ILogger<StorageAvailability> logger)
{
    private int _unavailable;

    public bool IsUnavailable => Volatile.Read(ref _unavailable) == 1;

    /// <summary>A storage call failed with <paramref name="exception"/>; true when that means storage is unavailable (<see cref="StorageFaults"/>).</summary>
    public bool Failed(Exception exception)
    {
        if (!StorageFaults.IsUnavailable(exception))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Unreachable(logger, StorageFaults.Describe(exception));
        }

        return true;
    }

    /// <summary>
    /// Runs a storage call: its result, and whether storage answered; when it is unavailable, the fallback (and the
    /// outage is said once). Any other failure passes through.
    /// </summary>
    public async Task<T> WhileReachableAsync<T>(Func<Task<T>> call, T unavailable)
    {
        try
        {
            var result = await call();
            Succeeded();
            return result;
        }
        catch (Exception ex) when (Failed(ex))
        {
            return unavailable;
        }
    }

    /// <summary>A storage call succeeded.</summary>
    public void Succeeded()
    {
        if (Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            Back(logger);
        }
    }

    [LoggerMessage(EventId = 3035, Level = LogLevel.Warning, Message = "Storage is unreachable ({Fault}); requests are answered 503 and drains wait until it is back")]
    private static partial void Unreachable(ILogger logger, string fault);

    [LoggerMessage(EventId = 3036, Level = LogLevel.Information, Message = "Storage is reachable again")]
    private static partial void Back(ILogger logger);
}
