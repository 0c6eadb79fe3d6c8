namespace Shiming.Benchmark;

/// <summary>
/// The app instances under test, each its own process on a free port, all with the same settings (and so the same
/// storage account and budget). The one place that knows how the app is started.
/// </summary>
internal static class AppInstances
{
    public static async Task<List<ServiceProcess>> StartAsync(int count, IReadOnlyDictionary<string, string> settings, Action<string> onLine)
    {
        var apps = new List<ServiceProcess>();
        for (var i = 0; i < count; i++)
        {
            apps.Add(await ServiceProcess.StartAsync("Shiming.Functions.dll", settings, onLine: onLine));
        }

        return apps;
    }
}
