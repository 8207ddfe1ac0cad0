import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeInstanceId, parseViewArn, parseViewId, requireUnqualified, viewArn } from '#domain/identifiers.ts';

const here = { partition: 'aws', region: 'us-east-1', accountId: '123456789012' };
const arn = (instance: string, id: string) => viewArn(here, instance, id);

function errorType(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { errorType: string }).errorType;
  }
  return 'none';
}

describe('ViewId grammar', () => {
  it('reads bare ids and ARNs, with or without a qualifier', () => {
    assert.deepEqual(parseViewId('v1', 'i', here), { instanceId: 'i', viewId: 'v1' });
    assert.deepEqual(parseViewId('v1:$LATEST', 'i', here), { instanceId: 'i', viewId: 'v1', qualifier: { kind: 'LATEST' } });
    assert.deepEqual(parseViewId('v1:$SAVED', 'i', here).qualifier, { kind: 'SAVED' });
    assert.deepEqual(parseViewId('v1:42', 'i', here).qualifier, { kind: 'VERSION', version: 42 });
    assert.deepEqual(parseViewId(`${arn('i', 'v1')}:7`, 'i', here), {
      instanceId: 'i',
      viewId: 'v1',
      qualifier: { kind: 'VERSION', version: 7 },
    });
    assert.deepEqual(parseViewId(arn('i', 'v1'), 'i', here), { instanceId: 'i', viewId: 'v1' });
  });

  it('refuses qualifiers that are not $LATEST, $SAVED or a positive version', () => {
    for (const bad of ['v1:0', 'v1:-1', 'v1:$latest', 'v1:1.5', 'v1:', 'v1:99999999999', ':1']) {
      assert.equal(
        errorType(() => parseViewId(bad, 'i', here)),
        'InvalidParameterException',
        bad,
      );
    }
  });

  it('treats an ARN of another instance, account, region or partition as a view that is not here', () => {
    assert.equal(
      errorType(() => parseViewId(arn('other', 'v1'), 'i', here)),
      'ResourceNotFoundException',
    );
    const elsewhere = [
      viewArn({ ...here, accountId: '999999999999' }, 'i', 'v1'),
      viewArn({ ...here, region: 'eu-west-1' }, 'i', 'v1'),
      viewArn({ ...here, partition: 'aws-cn' }, 'i', 'v1'),
    ];
    for (const foreign of elsewhere)
      assert.equal(
        errorType(() => parseViewId(foreign, 'i', here)),
        'ResourceNotFoundException',
      );
  });

  it('refuses malformed ARNs', () => {
    assert.equal(
      errorType(() => parseViewId('arn:aws:connect:us-east-1:1:instance/i', 'i', here)),
      'InvalidParameterException',
    );
    assert.equal(
      errorType(() => parseViewId('arn:aws:connect:us-east-1:1:instance/i/view/a/b', 'i', here)),
      'InvalidParameterException',
    );
  });

  it('only DescribeView takes qualifiers', () => {
    assert.equal(
      errorType(() => requireUnqualified(parseViewId('v1:$SAVED', 'i', here))),
      'InvalidParameterException',
    );
    assert.doesNotThrow(() => requireUnqualified(parseViewId('v1', 'i', here)));
  });
});

describe('InstanceId', () => {
  it('accepts an instance ARN of this account and region as its id', () => {
    assert.equal(normalizeInstanceId('arn:aws:connect:us-east-1:123456789012:instance/abc', here), 'abc');
    assert.equal(normalizeInstanceId('abc', here), 'abc');
    assert.equal(
      errorType(() => normalizeInstanceId('arn:aws:connect:eu-west-1:123456789012:instance/abc', here)),
      'ResourceNotFoundException',
    );
    assert.equal(
      errorType(() => normalizeInstanceId('arn:aws:connect:us-east-1:123456789012:instance/abc/view/x', here)),
      'InvalidParameterException',
    );
  });
});

describe('tag resource ARNs', () => {
  it('name an unqualified view of this deployment', () => {
    assert.deepEqual(parseViewArn(arn('i', 'v1'), here), { instanceId: 'i', viewId: 'v1' });
    assert.equal(
      errorType(() => parseViewArn(`${arn('i', 'v1')}:3`, here)),
      'InvalidParameterException',
    );
    assert.equal(
      errorType(() => parseViewArn('not-an-arn', here)),
      'InvalidParameterException',
    );
    assert.equal(
      errorType(() => parseViewArn('arn:aws:connect:us-east-1:123456789012:instance/i', here)),
      'ResourceNotFoundException',
    );
    assert.equal(
      errorType(() => parseViewArn(viewArn({ ...here, accountId: '1' }, 'i', 'v1'), here)),
      'ResourceNotFoundException',
    );
  });
});
