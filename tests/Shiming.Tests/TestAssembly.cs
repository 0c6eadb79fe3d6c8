using Shiming.Tests.Infrastructure;

namespace Shiming.Tests;

[TestClass]
public static class TestAssembly
{
    [AssemblyCleanup]
    public static async Task StopSharedServicesAsync()
    {
        await ShimingTestApp.StopSharedAsync();
        await Azurite.StopSharedAsync();
    }
}
