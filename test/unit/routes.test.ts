import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { route } from '#http/routes.ts';

const ARN = 'arn:aws:connect:us-east-1:123456789012:instance/inst/view/abc';
const INSTANCE_ARN = 'arn:aws:connect:us-east-1:123456789012:instance/inst';

function matched(method: string, path: string) {
  const result = route(method, path);
  assert.equal(result.kind, 'matched', `${method} ${path}`);
  return result.kind === 'matched' ? result.route : undefined!;
}

describe('routing on the URI grammar', () => {
  it('maps every operation of the API', () => {
    const table: [string, string, string][] = [
      ['PUT', '/views/i', 'CreateView'],
      ['GET', '/views/i', 'ListViews'],
      ['GET', '/views/i/v', 'DescribeView'],
      ['POST', '/views/i/v', 'UpdateViewContent'],
      ['DELETE', '/views/i/v', 'DeleteView'],
      ['POST', '/views/i/v/metadata', 'UpdateViewMetadata'],
      ['PUT', '/views/i/v/versions', 'CreateViewVersion'],
      ['GET', '/views/i/v/versions', 'ListViewVersions'],
      ['DELETE', '/views/i/v/versions/3', 'DeleteViewVersion'],
      ['POST', `/tags/${ARN}`, 'TagResource'],
      ['DELETE', `/tags/${ARN}`, 'UntagResource'],
      ['GET', `/tags/${ARN}`, 'ListTagsForResource'],
      ['POST', '/search-views', 'SearchViews'],
    ];
    for (const [method, path, operation] of table) assert.equal(matched(method, path).operation, operation, `${method} ${path}`);
  });

  it('keeps a ViewId that is an ARN, with its slashes and qualifier, as one label', () => {
    assert.deepEqual(matched('GET', `/views/inst/${ARN}:$LATEST`).labels, { InstanceId: 'inst', ViewId: `${ARN}:$LATEST` });
    assert.deepEqual(matched('PUT', `/views/inst/${ARN}/versions`).labels, { InstanceId: 'inst', ViewId: ARN });
    assert.deepEqual(matched('DELETE', `/views/inst/${ARN}:2/versions/2`).labels, {
      InstanceId: 'inst',
      ViewId: `${ARN}:2`,
      ViewVersion: '2',
    });
    assert.deepEqual(matched('POST', `/views/inst/${ARN}/metadata`).labels, { InstanceId: 'inst', ViewId: ARN });
  });

  it('keeps an InstanceId that is an ARN as one label', () => {
    assert.deepEqual(matched('GET', `/views/${INSTANCE_ARN}`).labels, { InstanceId: INSTANCE_ARN });
    assert.deepEqual(matched('GET', `/views/${INSTANCE_ARN}/${ARN}/versions`).labels, { InstanceId: INSTANCE_ARN, ViewId: ARN });
  });

  it('passes empty labels on, for validation to refuse', () => {
    assert.deepEqual(matched('GET', '/views//v').labels, { InstanceId: '', ViewId: 'v' });
    assert.deepEqual(matched('GET', '/views/i/').labels, { InstanceId: 'i', ViewId: '' });
    assert.deepEqual(matched('DELETE', '/views/i/v/versions/').labels, { InstanceId: 'i', ViewId: 'v', ViewVersion: '' });
  });

  it('tells an unknown path from a known path with the wrong method', () => {
    assert.equal(route('GET', '/nope').kind, 'unknown');
    assert.equal(route('GET', '/views/i/v/other').kind, 'unknown');
    assert.equal(route('GET', '/views/i/v/versions/1/x').kind, 'unknown');
    assert.deepEqual(route('PATCH', '/views/i/v'), { kind: 'method', allowed: ['GET', 'POST', 'DELETE'] });
  });
});
