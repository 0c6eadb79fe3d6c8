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

        // Request logging is off for these clients: OCR URLs carry the access token, and bodies carry card images.
        services.AddHttpClient(BaiduAccessTokenProvider.HttpClientName).RemoveAllLoggers();
        services.AddHttpClient<BaiduOcrClient>().RemoveAllLoggers();
        services.AddSingleton<BaiduAccessTokenProvider>();
        return services;
    }
}
