using System.Collections.Concurrent;

namespace Shiming.Tests.Infrastructure;

/// <summary>The settings that test classes share an app under: the README's, with the timers running or left out.</summary>
internal enum SharedApp
{
    /// <summary>The timers run: jobs are drained as under the run command.</summary>
    TimersRunning,

    /// <summary>The timers are left out: jobs wait until a test runs a drain itself.</summary>
    TimersDisabled,
}

internal sealed partial class ShimingTestApp
{
    private static readonly ConcurrentDictionary<SharedApp, Lazy<Task<ShimingTestApp>>> s_shared = new();

    /// <summary>
    /// The instance that classes with these settings share: the first to ask starts it, the assembly cleanup stops it.
    /// A class using it must not assume it is alone: it works under accounts and jobs of its own.
    /// </summary>
    public static Task<ShimingTestApp> GetSharedAsync(SharedApp which) =>
        s_shared.GetOrAdd(which, key => new Lazy<Task<ShimingTestApp>>(() => StartAsync(runTimers: key == SharedApp.TimersRunning))).Value;

    public static async Task StopSharedAsync()
    {
        foreach (var app in s_shared.Values.Where(app => app.IsValueCreated))
        {
            try
            {
                await (await app.Value).DisposeAsync();
            }
            catch (Exception) when (app.Value.IsFaulted)
            {
                // It never started; the classes that asked for it have failed already.
            }
        }

        s_shared.Clear();
    }
}
