namespace Shiming.BaiduEmulator;

internal static class Program
{
    public static async Task Main(string[] args)
    {
        var app = WebApplication.CreateBuilder(args).Build();
        await app.RunAsync();
    }
}
