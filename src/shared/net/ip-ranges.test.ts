import { inAnyCidr, isIpLiteral, isPublicUnicast, isValidCidr, rangeOf } from './ip-ranges';

describe('isPublicUnicast', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
  ])('refuses %s (%s)', (address, range) => {
    expect(rangeOf(address)).toBe(range);
    expect(isPublicUnicast(address)).toBe(false);
  });

  it('sees through IPv4-mapped IPv6 and refuses IPv6 forms that embed IPv4', () => {
    expect(isPublicUnicast('::ffff:127.0.0.1')).toBe(false);
    expect(isPublicUnicast('::ffff:10.0.0.1')).toBe(false);
    expect(isPublicUnicast('[::ffff:169.254.169.254]')).toBe(false);
    expect(isPublicUnicast('2002:7f00:1::')).toBe(false); // 6to4 of 127.0.0.1
    expect(isPublicUnicast('64:ff9b::a00:1')).toBe(false); // NAT64 of 10.0.0.1
  });

  it('allows public addresses', () => {
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:93.184.216.34']) expect(isPublicUnicast(address)).toBe(true);
  });
});

describe('allow-list ranges', () => {
  it('matches addresses of the same family only', () => {
    expect(inAnyCidr('127.0.0.1', ['127.0.0.1/32'])).toBe(true);
    expect(inAnyCidr('::ffff:127.0.0.1', ['127.0.0.1/32'])).toBe(true);
    expect(inAnyCidr('127.0.0.2', ['127.0.0.1/32'])).toBe(false);
    expect(inAnyCidr('::1', ['127.0.0.1/32'])).toBe(false);
    expect(inAnyCidr('10.2.3.4', ['10.0.0.0/8', '::1/128'])).toBe(true);
  });

  it('tells addresses and ranges from host names', () => {
    expect(isIpLiteral('10.0.0.1')).toBe(true);
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('localhost')).toBe(false);
    expect(isValidCidr('127.0.0.1/32')).toBe(true);
    expect(isValidCidr('127.0.0.1/33')).toBe(false);
    expect(isValidCidr('localhost/8')).toBe(false);
  });
});
