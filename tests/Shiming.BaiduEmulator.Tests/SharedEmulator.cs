namespace Shiming.BaiduEmulator.Tests;

/// <summary>
/// The emulator the test classes share, started once for the run with no QPS pressure on any API (the limit has tests
/// of its own). A test that needs other settings, a clock of its own or a call log no other class writes to starts
/// its own emulator instead.
/// </summary>
[TestClass]
public static class SharedEmulator
{
    internal static BaiduEmulatorHost Host { get; private set; } = null!;

    internal static EmulatorClient Client { get; private set; } = null!;

    /// <summary>A token issued at the start, valid for the whole run (the default lifetime is 30 days).</summary>
    internal static string Token { get; private set; } = null!;

    /// <summary>
    /// The calls the shared emulator logged for one API. Classes run side by side on it, so a test reads only the API
    /// that its class alone calls.
    /// </summary>
    internal static IReadOnlyList<EmulatorCall> CallsTo(string api) => [.. Host.Calls.Where(call => call.Endpoint == api)];

    [AssemblyInitialize]
    public static async Task StartAsync(TestContext _)
    {
        Host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions
        {
            ApiKey = "test-api-key",
            SecretKey = "test-secret-key",
            QpsLimit = 10_000,
            Apis = { [EmulatorApis.UserDefined] = new EmulatorApiOptions { QpsLimit = 10_000 } },
        });
        Client = new EmulatorClient(Host);
        Token = await Client.GetTokenAsync();
    }

    [AssemblyCleanup]
    public static async Task StopAsync()
    {
        Client?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
