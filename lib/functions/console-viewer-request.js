// CloudFront Function (cloudfront-js-2.0), viewer request, on the console's default behaviour only
// (the bucket). A deep link into the app (`/leases/l-…`, `/approvals`) names no file, so it gets
// the SPA's index.html; a path that names a file (`/assets/x.js`, `/config.json`) is left alone and
// a missing one stays the bucket's 404. This is not a custom error response: an error of the API
// or the sign-in (`/api/*`, `/auth/*`, their own behaviours, which never run this) is never turned
// into the app's page, and those paths are left alone here too should one ever reach the bucket.
// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls the function named handler.
function handler(event) {
  const request = event.request;
  const uri = request.uri;
  if (/^\/(api|auth)(\/|$)/.test(uri)) return request;
  const last = uri.slice(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}
