using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

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
        // The token endpoint spends none of the OCR QPS budget, so its transport faults and 5xx answers are retried
        // here: three times, exponentially from 0.2 s with jitter, each try at most 10 s.
        services.AddHttpClient(BaiduAccessTokenProvider.HttpClientName)
            .RemoveAllLoggers()
            .AddResilienceHandler("baidu-token", pipeline => pipeline
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(200),
                })
                .AddTimeout(TimeSpan.FromSeconds(10)));
        // One pool for the app's life (no handler rotation, which would leave every call of the next one to connect
        // anew), its spares kept open between top-ups; connections are renewed now and then to follow DNS changes.
        services.AddHttpClient<BaiduClient>(BaiduClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionIdleTimeout = BaiduConnections.IdleTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(30),
                ConnectTimeout = TimeSpan.FromSeconds(10),
                // Each call's first write is the moment it leaves (see BaiduDepartures): the drain counts from there.
                ConnectCallback = BaiduDepartures.ConnectAsync,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            // A timeout and nothing else. No retry strategy, on purpose: every OCR call that reaches Baidu spends a unit
            // of the QPS budget at a start time the drain reserved for it, so a resend by the HTTP pipeline would be a
            // call outside the budget (and, after an error 18, one more refusal). The drain retries, within the budget.
            .AddResilienceHandler("baidu-ocr", (pipeline, context) =>
            {
                var baidu = context.ServiceProvider.GetRequiredService<IOptionsMonitor<BaiduOptions>>();
                pipeline.AddTimeout(baidu.CurrentValue.RequestTimeout);
                context.EnableReloads<BaiduOptions>();
            });
        services.AddSingleton<BaiduConnections>();
        services.AddSingleton<BaiduAccessTokenProvider>();
        return services;
    }
}
