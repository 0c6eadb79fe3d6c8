using Microsoft.Extensions.Options;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Hosting;

/// <summary>Settings out of range stop the app at start-up, with the setting named (validators generated at build time).</summary>
[TestClass]
public sealed class SettingsValidationTests
{
    [TestMethod]
    [DataRow("Baidu:RequestTimeout", "00:10:00", "RequestTimeout")]
    [DataRow("Verifications:Retention", "00:00:01", "Retention")]
    public async Task A_duration_outside_its_range_stops_the_app_at_start_up(string setting, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartRefusedAppAsync(s => s[setting] = value));

        StringAssert.Contains(error.Message, named);
    }

    /// <summary>
    /// Starts an app that should refuse to start. WebApplicationFactory builds the app on its entry point's thread;
    /// when that host fails to start, the factory sometimes reads the host's services after they were disposed and
    /// throws ObjectDisposedException in place of the start-up error (dotnet/aspnetcore#33494). That race is the
    /// factory's, not the app's, so it is tried again; an app that does start still fails the test.
    /// </summary>
    private static async Task StartRefusedAppAsync(Action<Dictionary<string, string?>> configure)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var app = await ShimingTestApp.StartAsync(configure, runTimers: false);
                return;
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
            }
        }
    }
}
