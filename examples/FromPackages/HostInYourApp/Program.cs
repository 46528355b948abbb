// An app with routes of its own that hosts Spotlight's captioning API and page beside them. Settings come from the
// usual places: appsettings.json's "Spotlight" section (Spotlight__MaxBatch=16 in the environment), and the app
// listens where ASPNETCORE_URLS says.
using Spotlight.Server;

var builder = WebApplication.CreateBuilder(args);
// The pretrained captioner from Spotlight.Models.Flickr8k (or a .spotlight file of your own).
using var captioning = CaptioningTask.Load(Spotlight.Captioning.CaptionModel.ExistingPretrainedPath());
builder.Services.AddSpotlightServer(builder.Configuration).AddTask(captioning);

var app = builder.Build();
app.UseSpotlightServer();                                  // request IDs, logs, metrics, problem+json
app.MapGet("/hello", () => "hello from my app");           // the app's own route
app.MapSpotlightServer();                                  // POST /v1/captions, the page, /healthz, /readyz, ...
app.Run();
