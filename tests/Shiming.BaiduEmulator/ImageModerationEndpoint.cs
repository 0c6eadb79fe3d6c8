using System.Text.Json.Nodes;

namespace Shiming.BaiduEmulator;

/// <summary>
/// <c>POST /rest/2.0/solution/v1/img_censor/v2/user_defined</c>, Baidu's image moderation (内容审核平台-图像). The
/// verdict is the one embedded in the image (<see cref="ModerationGroundTruth"/>); an image without one is answered as
/// Baidu answers a compliant image, because no honest local model could stand in for Baidu's judgement. The token,
/// QPS, quota and fault checks are <see cref="BaiduCall"/>'s.
/// </summary>
internal static class ImageModerationEndpoint
{
    public const string Path = "/rest/2.0/solution/v1/img_censor/v2/user_defined";
    public const string Name = EmulatorApis.UserDefined;

    public static Task HandleAsync(HttpContext context) => BaiduCall.HandleAsync(context, Name, AnswerRequest);

    private static Task<ApiAnswer> AnswerRequest(ApiRequest request, CancellationToken cancellationToken) => Task.FromResult(Answer(request));

    private static ApiAnswer Answer(ApiRequest request)
    {
        // `imgUrl` alone is treated as no image: the emulator downloads nothing.
        if (!request.Form.TryGetValue("image", out var imageValue))
        {
            return request.Failure(216101, "not enough param");
        }

        // 0 a still picture, 1 an animated GIF; the emulator reads no GIF, so the second is refused with the picture.
        var imageType = request.Parameter("imgType");
        if (imageType is not (null or "0" or "1"))
        {
            return request.Failure(216100, "invalid param");
        }

        var (input, refused) = ImageParameter.Read(request, imageValue.ToString());
        if (input is null)
        {
            return refused!;
        }

        if (imageType == "1")
        {
            return request.Failure(216201, "image format error");
        }

        var truth = ModerationGroundTruth.Compliant();
        if (input.Image.GroundTruthJson is { } json && GroundTruthKinds.Of(json) == GroundTruthKinds.Moderation)
        {
            try
            {
                truth = ModerationGroundTruth.Parse(json);
            }
            catch (FormatException)
            {
                // A broken fixture is a bug in the test that made it; Baidu's catch-all code says "not your input".
                return request.Failure(282000, "internal error");
            }
        }

        return new ApiAnswer(Body(request.State, truth), null, null, ConclusionType: truth.ConclusionType);
    }

    private static JsonObject Body(EmulatorState state, ModerationGroundTruth truth)
    {
        var body = new JsonObject
        {
            ["log_id"] = BaiduResponse.LogId(state),
            ["conclusion"] = ModerationGroundTruth.Conclusion(truth.ConclusionType),
            ["conclusionType"] = truth.ConclusionType,
        };

        // Baidu sends `data` only for a verdict other than compliant.
        if (truth.ConclusionType == 1 || truth.Reasons.Count == 0)
        {
            return body;
        }

        var data = new JsonArray();
        foreach (var reason in truth.Reasons)
        {
            var item = new JsonObject();
            if (reason.ErrorCode is { } code)
            {
                item["error_code"] = code;
                item["error_msg"] = reason.ErrorMessage ?? string.Empty;
            }

            item["type"] = reason.Type;
            item["subType"] = reason.SubType;
            item["conclusion"] = ModerationGroundTruth.Conclusion(reason.ConclusionType);
            item["conclusionType"] = reason.ConclusionType;
            if (reason.Message is not null)
            {
                item["msg"] = reason.Message;
            }

            if (reason.Probability is { } probability)
            {
                item["probability"] = probability;
            }

            if (reason.DatasetName is not null)
            {
                item["datasetName"] = reason.DatasetName;
            }

            if (reason.Hits is not null)
            {
                var hits = new JsonArray();
                foreach (var hit in reason.Hits)
                {
                    var entry = new JsonObject { ["words"] = hit.Words };
                    if (hit.Probability is { } p)
                    {
                        entry["probability"] = p;
                    }

                    if (hit.DatasetName is not null)
                    {
                        entry["datasetName"] = hit.DatasetName;
                    }

                    hits.Add(entry);
                }

                item["hits"] = hits;
            }

            data.Add(item);
        }

        body["data"] = data;
        return body;
    }
}
