/**
 * Local stand-ins for what Flagstaff talks to, shared by the tests of every module and by the demo:
 * the Fabric8 Kubernetes mock API server in CRUD mode, a stub of the Slack Web API, Slack request signing.
 */
package dev.flagstaff.testkit;
