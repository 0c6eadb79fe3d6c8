using Shiming.Tests.Infrastructure;
using Shiming.Tests.Web;

namespace Shiming.Tests;

[TestClass]
public static class TestAssembly
{
    [AssemblyCleanup]
    public static async Task StopSharedServicesAsync()
    {
        await Chromium.StopSharedAsync();
        CardFiles.Delete();
        await ShimingTestApp.StopSharedAsync();
        await Azurite.StopSharedAsync();
    }
}
