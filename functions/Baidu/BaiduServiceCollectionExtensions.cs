using Microsoft.Extensions.Options;

namespace Shiming.Baidu;

public static class BaiduServiceCollectionExtensions
{
    public static IServiceCollection AddBaiduOcr(this IServiceCollection services)
    {
        services.AddOptions<BaiduOptions>()
            .BindConfiguration(BaiduOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BaiduOptions>, BaiduOptionsValidator>();
        services.AddSingleton<IValidateOptions<BaiduOptions>, BaiduOptionsRangesValidator>();

        // Request logging is off for these clients: OCR URLs carry the access token, and bodies carry card images.
        services.AddHttpClient(BaiduAccessTokenProvider.HttpClientName).RemoveAllLoggers();
        // One pool for the app's life (no handler rotation, which would leave every call of the next one to connect
        // anew), its spares kept open between top-ups; connections are renewed now and then to follow DNS changes.
        services.AddHttpClient<BaiduOcrClient>(BaiduOcrClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionIdleTimeout = BaiduConnections.IdleTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(30),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton<BaiduConnections>();
        services.AddSingleton<BaiduAccessTokenProvider>();
        return services;
    }
}
