using Shiming.Tests.Infrastructure;

namespace Shiming.Tests;

[TestClass]
public static class TestAssembly
{
    [AssemblyCleanup]
    public static Task StopSharedServicesAsync() => Azurite.StopSharedAsync();
}
