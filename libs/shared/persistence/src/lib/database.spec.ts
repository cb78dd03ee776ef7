import { describeMongoUrl, isDuplicateKeyError } from './database';

describe('describeMongoUrl', () => {
  it('drops credentials and query', () => {
    expect(describeMongoUrl('mongodb://user:s3cret@db:27017/cw?directConnection=true')).toBe(
      'mongodb://db:27017/cw',
    );
  });
  it('does not echo garbage', () => {
    expect(describeMongoUrl('not a url s3cret')).toBe('(unparseable MongoDB URL)');
  });
});

describe('isDuplicateKeyError', () => {
  it('recognises E11000 only', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(false);
    expect(isDuplicateKeyError(new Error('x'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });
});
