// LTI Dynamic Registration is done: tell the learning platform's page that opened (or framed) this one, which then
// closes it. The message goes to the platform's origin only.
const done = document.querySelector('[data-lti-close]');
if (done) {
  const target = window.opener || (window.parent !== window ? window.parent : null);
  if (target) target.postMessage({ subject: 'org.imsglobal.lti.close' }, done.getAttribute('data-origin'));
}
