using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Hosting;

/// <summary>Settings out of range stop the worker at start-up, with the setting named (validators generated at build time).</summary>
[TestClass]
public sealed class SettingsValidationTests
{
    [TestMethod]
    [DataRow("Baidu:RequestTimeout", "00:10:00", "RequestTimeout")]
    [DataRow("Verifications:Retention", "00:00:01", "Retention")]
    public async Task A_duration_outside_its_range_stops_the_worker_at_start_up(string setting, string value, string named)
    {
        var error = await Assert.ThrowsAsync<Exception>(() => ShimingTestApp.StartAsync(s => s[setting] = value, runTimers: false));

        StringAssert.Contains(error.ToString(), "OptionsValidationException");
        StringAssert.Contains(error.ToString(), named);
    }
}
